using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.SympScale.Systems;

/// <summary>
/// A conservative system whose reference trajectories the family learns: state s = (q, p) of dimension D
/// (positions first), its conserved quantity C(s) in float64 on the CPU and as a differentiable tensor function
/// (for the Newton projection), random initial states, and a reference integrator.
/// </summary>
public abstract class PhaseSystem
{
    protected PhaseSystem(int dimension) => Dimension = dimension;

    public int Dimension { get; }

    /// <summary>What <see cref="Invariant(ReadOnlySpan{double})"/> is, for the run log and summary.</summary>
    public abstract string InvariantName { get; }

    public abstract double Invariant(ReadOnlySpan<double> s);

    /// <summary>C of a batch of physical states (B, D) → (B), differentiable.</summary>
    public abstract Tensor Invariant(Tensor s);

    public abstract double[] InitialState(Random random);

    /// <summary>Samples (samples × D, row-major) of the trajectory from <paramref name="s0"/>, dt apart.</summary>
    public abstract double[] Trajectory(double[] s0, int samples, double dt);

    /// <summary>A standard normal draw (Box–Muller), so initial states depend on nothing but the data seed.</summary>
    protected static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
