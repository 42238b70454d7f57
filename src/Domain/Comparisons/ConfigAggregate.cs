namespace Dashboard.Domain.Comparisons;

/// <summary>
/// The runs of one sweep config taken together: how many there are and how many finished, how many stayed
/// bounded or diverged, and the spread across seeds of each final metric (finished runs only).
/// </summary>
public sealed record ConfigAggregate(
    SweepConfig Config,
    IReadOnlyList<long> RunIds,
    int Finished,
    int Bounded,
    int Divergent,
    IReadOnlyDictionary<string, Spread> Metrics)
{
    public int Runs => RunIds.Count;

    public Spread? Metric(string key) => Metrics.GetValueOrDefault(key);
}
