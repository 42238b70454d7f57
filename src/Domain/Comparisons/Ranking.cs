namespace Dashboard.Domain.Comparisons;

/// <summary>
/// Ranks sweep configs by the median of one final metric (seed 001's "all configurations ranked by val loss")
/// and states every metric's median as a delta against a baseline config.
/// </summary>
public static class Ranking
{
    /// <summary>
    /// Configs with a value of <paramref name="metric"/> come first, best first (lowest unless
    /// <paramref name="higherIsBetter"/>; ties keep sweep order), ranked 1, 2, …; the rest follow unranked.
    /// A baseline key that matches no config leaves every delta null.
    /// </summary>
    public static IReadOnlyList<RankedConfig> Rank(IReadOnlyList<ConfigAggregate> configs, string metric,
        bool higherIsBetter, string? baselineKey)
    {
        var baseline = configs.FirstOrDefault(c => c.Config.Key == baselineKey);
        var ranked = configs
            .Select((c, order) => (Config: c, Order: order, Value: c.Metric(metric)?.Median))
            .OrderBy(x => x.Value is null)
            .ThenBy(x => x.Value is { } v ? (higherIsBetter ? -v : v) : 0)
            .ThenBy(x => x.Order)
            .ToList();

        return ranked.Select((x, i) => new RankedConfig(
            x.Value is null ? null : i + 1,
            baseline is not null && x.Config.Config.Key == baseline.Config.Key,
            x.Config,
            x.Config.Metrics.ToDictionary(m => m.Key, m => Delta(m.Value.Median, baseline?.Metric(m.Key)?.Median),
                StringComparer.Ordinal))).ToList();
    }

    /// <summary>
    /// The config to compare against when the user has not picked one: the first whose axis values include
    /// the text "baseline" (seed 002's variant=baseline, seed 001's baseline run), else the first config.
    /// </summary>
    public static string? DefaultBaseline(IReadOnlyList<ConfigAggregate> configs) =>
        (configs.FirstOrDefault(c => c.Config.AxisValues.Any(p =>
             SweepConfig.Show(p.Value).Equals("baseline", StringComparison.OrdinalIgnoreCase)))
         ?? configs.FirstOrDefault())?.Config.Key;

    public static MetricDelta Delta(double median, double? baseline)
    {
        if (baseline is not { } b || !double.IsFinite(b)) return new MetricDelta(median, null, null);
        var delta = median - b;
        return new MetricDelta(median, delta, b == 0 ? null : delta / Math.Abs(b) * 100);
    }

    /// <summary>Whether a delta is an improvement for a metric where lower (or higher) is better.</summary>
    public static bool IsImprovement(double delta, bool higherIsBetter) => higherIsBetter ? delta > 0 : delta < 0;
}
