using System.Globalization;

namespace Dashboard.Domain.Comparisons;

/// <summary>
/// Median and interquartile range of one metric across the seeds of one config. Sweep results are reported
/// this way rather than as a mean because they are often bimodal (bounded on some seeds, divergent on others).
/// </summary>
public sealed record Spread(double Median, double Q1, double Q3, int Count)
{
    public double Iqr => Q3 - Q1;

    /// <summary>The spread of the finite values, or null when there are none.</summary>
    public static Spread? Of(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0) return null;
        return new Spread(Quantile(sorted, 0.5), Quantile(sorted, 0.25), Quantile(sorted, 0.75), sorted.Length);
    }

    /// <summary>
    /// The p-quantile of sorted values by linear interpolation between closest ranks (Hyndman and Fan's type 7,
    /// the default of R and NumPy): position p·(n−1), so the median of an even count is the mean of the middle two.
    /// </summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) throw new ArgumentException("needs at least one value.", nameof(sorted));
        if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "must be between 0 and 1.");
        var position = p * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Median:G6} [{Q1:G6}, {Q3:G6}] (n={Count})");
}
