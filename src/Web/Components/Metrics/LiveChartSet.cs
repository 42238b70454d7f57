using Dashboard.Infrastructure.Metrics;

namespace Dashboard.Web.Components.Metrics;

/// <summary>
/// The metric charts of a page and what they have drawn. Loads every line downsampled to what a chart needs
/// (min/max buckets, at most <see cref="MaxPoints"/> a line); afterwards fetches only the points after the last
/// step drawn. A line that has grown to twice its budget by appends is loaded again, downsampled, so a chart
/// never holds more than a few thousand points a line however long the run.
/// </summary>
public sealed class LiveChartSet(
    MetricQueries queries,
    Func<IReadOnlyDictionary<long, IReadOnlyList<SeriesSummary>>, IReadOnlyList<ChartGroupSpec>> layout,
    int maxPoints = LiveChartSet.DefaultMaxPoints)
{
    public const int DefaultMaxPoints = 2000;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<long> _runIds = [];
    private readonly Dictionary<long, IReadOnlyList<SeriesSummary>> _keys = [];
    private string _layoutSignature = "";

    public int MaxPoints => maxPoints;
    public IReadOnlyList<ChartGroup> Groups { get; private set; } = [];
    public XAxisFrame Frame { get; private set; } = XAxisFrame.For(XAxisMode.Step, []);
    /// <summary>Each run's series with counts and latest values, as of the last load or refresh.</summary>
    public IReadOnlyDictionary<long, IReadOnlyList<SeriesSummary>> Keys => _keys;
    public bool Loaded { get; private set; }

    public SeriesSummary? Latest(long runId, string key) => _keys.GetValueOrDefault(runId)?.FirstOrDefault(s => s.Key == key);

    /// <summary>Loads every chart from scratch (first view, the end of a run, a change in which charts there are).</summary>
    public async Task LoadAsync(IReadOnlyList<long> runIds, XAxisMode axis, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            _runIds = runIds;
            _keys.Clear();
            foreach (var (id, keys) in await queries.KeysForRunsAsync(runIds, ct)) _keys[id] = keys;
            var specs = layout(_keys);
            var groups = specs.Select(s => new ChartGroup(s)).ToList();
            await FillAsync(groups.SelectMany(g => g.Traces), ct);
            _layoutSignature = Signature(specs);
            Groups = groups;
            Frame = XAxisFrame.For(axis, groups.SelectMany(g => g.Traces));
            foreach (var group in groups) group.Build(Frame);
            Loaded = true;
        }
        finally { _gate.Release(); }
    }

    /// <summary>Redraws every chart against another x axis, from the points already here.</summary>
    public void SetAxis(XAxisMode axis)
    {
        Frame = XAxisFrame.For(axis, Groups.SelectMany(g => g.Traces));
        foreach (var group in Groups) group.Build(Frame);
    }

    /// <summary>Fetches what the given runs stored since the last look: only steps after those drawn.</summary>
    public async Task<LiveUpdate> FetchNewAsync(IReadOnlyCollection<long> changedRuns, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var ids = changedRuns.Where(_runIds.Contains).ToList();
            if (!Loaded || ids.Count == 0) return LiveUpdate.Nothing;
            var fresh = await queries.KeysForRunsAsync(ids, ct);
            foreach (var (id, keys) in fresh) _keys[id] = keys;
            if (Signature(layout(_keys)) != _layoutSignature) return LiveUpdate.Everything;

            var appends = new List<ChartAppend>();
            var reloaded = new List<ChartGroup>();
            foreach (var group in Groups)
            {
                var indexes = new List<int>();
                var xs = new List<IReadOnlyList<double>>();
                var ys = new List<IReadOnlyList<double>>();
                for (var i = 0; i < group.Traces.Count; i++)
                {
                    var trace = group.Traces[i];
                    var summary = fresh.GetValueOrDefault(trace.Spec.RunId)?.FirstOrDefault(s => s.Key == trace.Spec.Key);
                    if (summary is null || summary.LastStep <= trace.LastStep) continue;
                    var series = await queries.SeriesAfterAsync(trace.Spec.RunId, trace.Spec.Key, trace.LastStep, maxPoints, ct);
                    if (series.Points.Count == 0) continue;
                    trace.Append(series.Points);
                    indexes.Add(i);
                    xs.Add(series.Points.Select(p => Frame.X(trace.Spec.RunId, p)).ToArray());
                    ys.Add(series.Points.Select(p => p.Value).ToArray());
                }
                if (indexes.Count == 0) continue;
                if (group.Traces.Any(t => t.Points.Count > 2 * maxPoints))
                {
                    await FillAsync(group.Traces, ct);
                    group.Build(Frame);
                    reloaded.Add(group);
                }
                else appends.Add(new ChartAppend(group, indexes, xs, ys));
            }
            return new LiveUpdate(false, appends, reloaded);
        }
        finally { _gate.Release(); }
    }

    /// <summary>One query per key for all the runs that have it.</summary>
    private async Task FillAsync(IEnumerable<LiveTrace> traces, CancellationToken ct)
    {
        foreach (var byKey in traces.GroupBy(t => t.Spec.Key, StringComparer.Ordinal))
        {
            var series = await queries.SeriesForRunsAsync(byKey.Select(t => t.Spec.RunId).Distinct().ToList(), byKey.Key, maxPoints, ct);
            foreach (var trace in byKey)
                trace.Replace(series.TryGetValue(trace.Spec.RunId, out var s) ? s.Points : []);
        }
    }

    private static string Signature(IReadOnlyList<ChartGroupSpec> specs) =>
        string.Join('|', specs.Select(s => s.Id + ":" + string.Join(',', s.Traces.Select(t => $"{t.RunId}/{t.Key}/{t.Name}"))));
}
