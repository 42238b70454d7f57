using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.SympScale.Systems;

/// <summary>
/// The periodic Toda lattice: V = Σᵢ exp(qᵢ − q_{i+1}) with q_{N+1} ≡ q₁ (ground energy N). Integrable, with N
/// invariants tr(Lᵏ) of its Lax matrix; the family conserves and projects onto the energy. Reference: DOP853.
/// </summary>
public sealed class Toda(int dimension, double energyPerParticle, double relativeTolerance = 1e-10, double absoluteTolerance = 1e-12)
    : LatticeSystem(dimension, energyPerParticle)
{
    protected override double GroundEnergy => Particles;

    public override double Potential(ReadOnlySpan<double> q)
    {
        var n = q.Length;
        var v = 0.0;
        for (var i = 0; i < n; i++) v += Math.Exp(q[i] - q[(i + 1) % n]);
        return v;
    }

    public override void Force(ReadOnlySpan<double> q, Span<double> force)
    {
        var n = q.Length;
        for (var i = 0; i < n; i++)
            force[i] = Math.Exp(q[(i + n - 1) % n] - q[i]) - Math.Exp(q[i] - q[(i + 1) % n]);
    }

    public override Tensor Potential(Tensor q)
    {
        var n = q.Size(1);
        var next = Dashboard.Torch.Torch.Cat([q.Narrow(1, 1, n - 1), q.Narrow(1, 0, 1)], 1);
        return (q - next).Exp().Sum(1);
    }

    public override double[] Trajectory(double[] s0, int samples, double dt)
    {
        var output = new double[samples * Dimension];
        new DormandPrince853(relativeTolerance, absoluteTolerance).Sample(Field, s0, samples, dt, output);
        return output;
    }
}
