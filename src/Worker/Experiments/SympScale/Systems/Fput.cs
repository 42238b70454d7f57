using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.SympScale.Systems;

/// <summary>
/// The Fermi–Pasta–Ulam–Tsingou lattice with fixed ends (q₀ = q_{N+1} = 0):
/// V = Σ_{i=0..N} [Δᵢ²/2 + (α/3)Δᵢ³ + (β/4)Δᵢ⁴], Δᵢ = q_{i+1} − qᵢ. β-FPUT is α = 0; α-FPUT is β = 0.
/// Reference: Yoshida-8 with steps of at most <see cref="MaxStep"/>.
/// </summary>
public sealed class Fput(int dimension, double alpha, double beta, double energyPerParticle) : LatticeSystem(dimension, energyPerParticle)
{
    public const double MaxStep = 0.0025;

    public double Alpha { get; } = alpha;
    public double Beta { get; } = beta;

    private double Bond(double d) => 0.5 * d * d + Alpha / 3 * d * d * d + Beta / 4 * d * d * d * d;
    private double BondForce(double d) => d + Alpha * d * d + Beta * d * d * d;

    public override double Potential(ReadOnlySpan<double> q)
    {
        var n = q.Length;
        var v = Bond(q[0]) + Bond(-q[n - 1]);
        for (var i = 0; i < n - 1; i++) v += Bond(q[i + 1] - q[i]);
        return v;
    }

    public override void Force(ReadOnlySpan<double> q, Span<double> force)
    {
        var n = q.Length;
        // Bond i joins q_{i-1} and q_i (q_0 = q_{N+1} = 0); it pulls q_i by V'(Δ_i) forward and V'(Δ_{i-1}) back.
        var left = BondForce(q[0]);
        for (var i = 0; i < n; i++)
        {
            var right = BondForce((i + 1 < n ? q[i + 1] : 0) - q[i]);
            force[i] = right - left;
            left = right;
        }
    }

    public override Tensor Potential(Tensor q)
    {
        var zero = Dashboard.Torch.Torch.Zeros([q.Size(0), 1], q.Dtype, q.Device);
        var padded = Dashboard.Torch.Torch.Cat([zero, q, zero], 1);
        var n = q.Size(1);
        var d = padded.Narrow(1, 1, n + 1) - padded.Narrow(1, 0, n + 1);
        var d2 = d.Square();
        return (0.5 * d2 + Alpha / 3 * d2 * d + Beta / 4 * d2.Square()).Sum(1);
    }

    public override double[] Trajectory(double[] s0, int samples, double dt)
    {
        var n = Particles;
        var substeps = Math.Max(1, (int)Math.Ceiling(dt / MaxStep - 1e-9));
        var h = dt / substeps;
        var q = s0[..n];
        var p = s0[n..];
        var scratch = new double[n];
        var output = new double[samples * Dimension];
        for (var t = 0; t < samples; t++)
        {
            if (t > 0)
                for (var k = 0; k < substeps; k++) Yoshida8.Step(Force, q, p, h, scratch);
            q.CopyTo(output, t * Dimension);
            p.CopyTo(output, t * Dimension + n);
            if (!double.IsFinite(q[0]) || !double.IsFinite(p[0]))
                throw new ArithmeticException("the FPUT reference trajectory left every bound (α-FPUT escapes over its barrier at high energy)");
        }
        return output;
    }
}
