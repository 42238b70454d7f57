using System.Globalization;

namespace Dashboard.Domain.Comparisons;

/// <summary>
/// The mean of a few values with its 95 % confidence interval from Student's t (mean ± t₀.₉₇₅,ₙ₋₁·s/√n), as seed
/// 003 reports its conservation residual over seeds. A single value has no interval (half-width NaN).
/// </summary>
public sealed record MeanInterval(double Mean, double HalfWidth, int Count)
{
    public double Low => Mean - HalfWidth;
    public double High => Mean + HalfWidth;

    // t quantiles at 0.975 for 1..30 degrees of freedom.
    private static readonly double[] T975 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    /// <summary>t₀.₉₇₅ with <paramref name="df"/> degrees of freedom (above 30: 1.96 + 2.5/df, within 0.003).</summary>
    public static double StudentT975(int df) => df < 1 ? double.NaN : df <= T975.Length ? T975[df - 1] : 1.96 + 2.5 / df;

    /// <summary>The interval of the finite values, or null when there are none.</summary>
    public static MeanInterval? Of(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return null;
        var mean = finite.Average();
        if (finite.Length == 1) return new MeanInterval(mean, double.NaN, 1);
        var variance = finite.Sum(v => (v - mean) * (v - mean)) / (finite.Length - 1);
        return new MeanInterval(mean, StudentT975(finite.Length - 1) * Math.Sqrt(variance / finite.Length), finite.Length);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Mean:G3} [{Low:G3}, {High:G3}] (n={Count})");
}
