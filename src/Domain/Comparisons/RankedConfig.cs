namespace Dashboard.Domain.Comparisons;

/// <summary>
/// One row of a ranking: the config's place (null when it has no value of the ranking metric), and for each
/// metric its median and the difference to the baseline config's median (absolute, and relative to the
/// baseline's magnitude in percent).
/// </summary>
public sealed record RankedConfig(int? Rank, bool IsBaseline, ConfigAggregate Aggregate, IReadOnlyDictionary<string, MetricDelta> Metrics)
{
    public MetricDelta? Metric(string key) => Metrics.GetValueOrDefault(key);
}

/// <summary>A config's median of one metric against the baseline's. Deltas are null without a baseline value.</summary>
public sealed record MetricDelta(double Median, double? Delta, double? DeltaPercent);
