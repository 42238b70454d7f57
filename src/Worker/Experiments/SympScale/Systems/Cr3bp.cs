using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.SympScale.Systems;

/// <summary>
/// The circular restricted three-body problem in the rotating frame (SympRSSM's envs/cr3bp.py): primaries at
/// (−μ, 0) and (1−μ, 0), state (x, y, ẋ, ẏ), zero thrust, so the Jacobi integral C = 2U − (ẋ² + ẏ²) with
/// U = (x²+y²)/2 + (1−μ)/r₁ + μ/r₂ is conserved. Initial states near L2: (1.1557, 0, 0, 0) + 10⁻³·N(0, I).
/// </summary>
public sealed class Cr3bp(double mu = Cr3bp.EarthMoon, double relativeTolerance = 1e-10, double absoluteTolerance = 1e-12) : PhaseSystem(4)
{
    public const double EarthMoon = 0.01215;

    public double Mu { get; } = mu;

    public override string InvariantName => "Jacobi integral";

    public void Field(ReadOnlySpan<double> s, Span<double> ds)
    {
        double x = s[0], y = s[1], vx = s[2], vy = s[3];
        var (ux, uy) = GradU(x, y);
        ds[0] = vx;
        ds[1] = vy;
        ds[2] = 2 * vy + ux;
        ds[3] = -2 * vx + uy;
    }

    private (double Ux, double Uy) GradU(double x, double y)
    {
        var r1 = Math.Sqrt((x + Mu) * (x + Mu) + y * y);
        var r2 = Math.Sqrt((x - 1 + Mu) * (x - 1 + Mu) + y * y);
        double r13 = r1 * r1 * r1, r23 = r2 * r2 * r2;
        return (x - (1 - Mu) * (x + Mu) / r13 - Mu * (x - 1 + Mu) / r23, y - (1 - Mu) * y / r13 - Mu * y / r23);
    }

    public override double Invariant(ReadOnlySpan<double> s)
    {
        double x = s[0], y = s[1], vx = s[2], vy = s[3];
        var r1 = Math.Sqrt((x + Mu) * (x + Mu) + y * y);
        var r2 = Math.Sqrt((x - 1 + Mu) * (x - 1 + Mu) + y * y);
        var u = 0.5 * (x * x + y * y) + (1 - Mu) / r1 + Mu / r2;
        return 2 * u - (vx * vx + vy * vy);
    }

    public override Tensor Invariant(Tensor s)
    {
        var x = s.Select(1, 0);
        var y = s.Select(1, 1);
        var y2 = y.Square();
        var r1 = ((x + Mu).Square() + y2).Sqrt();
        var r2 = ((x - (1 - Mu)).Square() + y2).Sqrt();
        var u = 0.5 * (x.Square() + y2) + (1 - Mu) / r1 + Mu / r2;
        return 2.0 * u - s.Select(1, 2).Square() - s.Select(1, 3).Square();
    }

    public override double[] InitialState(Random random) =>
        [1.1557 + 1e-3 * Gaussian(random), 1e-3 * Gaussian(random), 1e-3 * Gaussian(random), 1e-3 * Gaussian(random)];

    public override double[] Trajectory(double[] s0, int samples, double dt)
    {
        var output = new double[samples * 4];
        new DormandPrince853(relativeTolerance, absoluteTolerance).Sample(Field, s0, samples, dt, output);
        return output;
    }
}
