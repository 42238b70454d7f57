namespace Dashboard.Web.Live;

/// <summary>Changes gathered over one throttle interval: which runs got metric points, and which changed (latest state).</summary>
public sealed record RunChanges(IReadOnlySet<long> MetricRuns, IReadOnlyDictionary<long, string?> StateRuns)
{
    public bool IsEmpty => MetricRuns.Count == 0 && StateRuns.Count == 0;

    public IEnumerable<long> RunIds => MetricRuns.Union(StateRuns.Keys);
}
