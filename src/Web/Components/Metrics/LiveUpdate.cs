namespace Dashboard.Web.Components.Metrics;

/// <summary>New points for some lines of one chart, with x already computed for the chart's axis.</summary>
public sealed record ChartAppend(ChartGroup Group, IReadOnlyList<int> TraceIndexes, IReadOnlyList<IReadOnlyList<double>> Xs,
    IReadOnlyList<IReadOnlyList<double>> Ys);

/// <summary>
/// What a live refresh found: points to append, charts that were reloaded whole (too many points appended),
/// or that the set of charts itself changed (a new key), when everything must be loaded again.
/// </summary>
public sealed record LiveUpdate(bool ChartsChanged, IReadOnlyList<ChartAppend> Appends, IReadOnlyList<ChartGroup> Reloaded)
{
    public static readonly LiveUpdate Nothing = new(false, [], []);
    public static readonly LiveUpdate Everything = new(true, [], []);
}
