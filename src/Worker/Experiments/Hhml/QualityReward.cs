namespace Dashboard.Worker.Experiments.Hhml;

/// <summary>What the reward is computed from (<c>compute_detailed_quality_metrics</c> at threshold 0.3).</summary>
/// <param name="Density">Vortex nodes / N.</param>
/// <param name="Neighbourhood">Mean nbh over a random sample of min(5000, #vortices) vortices (0 with no vortices).</param>
/// <param name="Core">Mean core depth over the same sample.</param>
/// <param name="Stability">Mean stability over the same sample.</param>
/// <param name="Quality">Mean q over all vortices.</param>
public sealed record VortexMetrics(double Density, double Neighbourhood, double Core, double Stability, double Quality, long Vortices);

/// <summary>The reward term by term (<c>compute_quality_guided_reward</c>); <see cref="Total"/> is their sum, at most 1,650.</summary>
public sealed record QualityReward(
    double Density, double Neighbourhood, double Core, double Stability, double Product, double Penalty, double Sustained, double ZeroAnnihilation)
{
    public const double Maximum = 1650;

    public double Total => Density + Neighbourhood + Core + Stability + Product + Penalty + Sustained + ZeroAnnihilation;

    /// <summary>
    /// 300ρ for 0.95 ≤ ρ ≤ 1, else 200ρ for ρ ≥ 0.85, else 100ρ; 150·nbh, 150·core, 150·stab; 200·q·ρ; −50 per removal;
    /// min(200, 20c) while ρ ≥ 0.95 (c: cycles at target before this cycle); 500 for no removals at ρ ≥ 0.95.
    /// </summary>
    public static QualityReward Compute(VortexMetrics m, long removed, long cyclesAtTarget)
    {
        var rho = m.Density;
        var density = rho is >= 0.95 and <= 1.0 ? 300 * rho : rho >= 0.85 ? 200 * rho : 100 * rho;
        return new QualityReward(
            density, 150 * m.Neighbourhood, 150 * m.Core, 150 * m.Stability, 200 * m.Quality * rho, -50.0 * removed,
            rho >= 0.95 ? Math.Min(200, cyclesAtTarget * 20) : 0,
            removed == 0 && rho >= 0.95 ? 500 : 0);
    }

    /// <summary>c after the reward: one more while ρ ≥ 0.95, else back to 0.</summary>
    public static long NextCyclesAtTarget(double density, long cyclesAtTarget) => density >= 0.95 ? cyclesAtTarget + 1 : 0;

    /// <summary>Each term under its metric key.</summary>
    public IReadOnlyDictionary<string, double> Terms() => new Dictionary<string, double>
    {
        ["reward/density"] = Density,
        ["reward/neighbourhood"] = Neighbourhood,
        ["reward/core"] = Core,
        ["reward/stability"] = Stability,
        ["reward/product"] = Product,
        ["reward/penalty"] = Penalty,
        ["reward/sustained"] = Sustained,
        ["reward/zero_annihilation"] = ZeroAnnihilation,
    };
}
