using Dashboard.Domain.Claims;

namespace Dashboard.Domain.Comparisons;

/// <summary>One run's series as a chart has it (already downsampled): steps in increasing order and their values.</summary>
public sealed record SeriesSample(long RunId, IReadOnlyList<long> Steps, IReadOnlyList<double> Values);

public enum BandStatistic { MedianIqr, MeanCi }

/// <summary>
/// A config's seeds as one line with bands, step by step: the centre (median or mean), the inner band (IQR, or the
/// mean's 95 % CI), the outer band (min–max) and how many runs had a finite value there.
/// </summary>
public sealed record ConfigBand(string Label, IReadOnlyList<long> RunIds, long[] Steps, double[] Center, double[] Low, double[] High,
    double[] Min, double[] Max, int[] Count);

/// <summary>
/// Puts the seeds of a config on one step grid and summarises them per step.
/// <para>
/// Step alignment: runs of one config may log at different steps (a resumed run, another logging interval, or the
/// min/max buckets of downsampling, which sit at each bucket's first and last step). The grid is the union of the
/// runs' steps when that has at most <c>maxPoints</c> steps (then runs logged at the same steps are compared as
/// they are, nothing interpolated), else <c>maxPoints</c> evenly spaced whole steps from the first to the last step.
/// Each run's value at a grid step is linearly interpolated between its two neighbouring points; a run does not
/// count at a step before its first or after its last point (no extrapolation: a run that stopped early, or
/// diverged, leaves the band from there, and <see cref="ConfigBand.Count"/> shows it). A NaN or infinite neighbour
/// gives no value at that step either.
/// </para>
/// </summary>
public static class SeedBands
{
    public static ConfigBand Of(string label, IReadOnlyList<SeriesSample> runs, BandStatistic statistic, int maxPoints)
    {
        var grid = Grid(runs, maxPoints);
        var n = grid.Length;
        var (center, low, high, min, max) = (new double[n], new double[n], new double[n], new double[n], new double[n]);
        var count = new int[n];
        var cursors = new int[runs.Count];
        var values = new List<double>(runs.Count);
        for (var i = 0; i < n; i++)
        {
            values.Clear();
            for (var r = 0; r < runs.Count; r++)
                if (ValueAt(runs[r], grid[i], ref cursors[r]) is { } v && double.IsFinite(v)) values.Add(v);
            count[i] = values.Count;
            if (values.Count == 0)
            {
                center[i] = low[i] = high[i] = min[i] = max[i] = double.NaN;
                continue;
            }
            values.Sort();
            min[i] = values[0];
            max[i] = values[^1];
            if (statistic == BandStatistic.MeanCi)
            {
                var (mean, half) = MeanInterval.Of(values) is { } interval ? (interval.Mean, interval.HalfWidth) : (double.NaN, double.NaN);
                center[i] = mean;
                low[i] = double.IsNaN(half) ? mean : mean - half;
                high[i] = double.IsNaN(half) ? mean : mean + half;
            }
            else
            {
                center[i] = Spread.Quantile(values, 0.5);
                low[i] = Spread.Quantile(values, 0.25);
                high[i] = Spread.Quantile(values, 0.75);
            }
        }
        return new ConfigBand(label, runs.Select(r => r.RunId).ToList(), grid, center, low, high, min, max, count);
    }

    /// <summary>The steps the band is computed at (see the class remarks).</summary>
    public static long[] Grid(IReadOnlyList<SeriesSample> runs, int maxPoints)
    {
        var union = new SortedSet<long>();
        foreach (var run in runs)
        {
            foreach (var step in run.Steps) union.Add(step);
            if (union.Count > maxPoints) break;
        }
        if (union.Count <= maxPoints) return [.. union];
        var first = runs.Where(r => r.Steps.Count > 0).Min(r => r.Steps[0]);
        var last = runs.Where(r => r.Steps.Count > 0).Max(r => r.Steps[^1]);
        var grid = new SortedSet<long>();
        for (var i = 0; i < maxPoints; i++) grid.Add(first + (long)Math.Round((double)(last - first) * i / (maxPoints - 1)));
        return [.. grid];
    }

    /// <summary>
    /// The run's value at <paramref name="step"/>, interpolated; null outside its first..last step. Grid steps are
    /// asked in increasing order, so <paramref name="cursor"/> only moves forward (one pass over each run).
    /// </summary>
    public static double? ValueAt(SeriesSample run, long step, ref int cursor)
    {
        var steps = run.Steps;
        if (steps.Count == 0 || step < steps[0] || step > steps[^1]) return null;
        while (cursor + 1 < steps.Count && steps[cursor + 1] <= step) cursor++;
        if (steps[cursor] == step) return run.Values[cursor];
        var (s0, s1) = (steps[cursor], steps[cursor + 1]);
        var (v0, v1) = (run.Values[cursor], run.Values[cursor + 1]);
        if (!double.IsFinite(v0) || !double.IsFinite(v1)) return double.NaN;
        return v0 + (v1 - v0) * (step - s0) / (s1 - s0);
    }
}
