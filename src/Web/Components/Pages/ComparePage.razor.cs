using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Families;
using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Reading;
using Dashboard.Web.Components.Metrics;
using Dashboard.Web.Live;
using Dashboard.Web.Components.Compare;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Components.Pages;

/// <summary>
/// Runs from any experiments side by side: a ranking by a metric's final value with deltas against a baseline,
/// overlaid charts (one line per run, live while any runs), and a config diff.
/// </summary>
public sealed partial class ComparePage
{
    [Inject] private RunDetailQuery Details { get; set; } = null!;
    [Inject] private MetricQueries Metrics { get; set; } = null!;
    [Inject] private RunChangeFeed Feed { get; set; } = null!;
    [Inject] private FamilyCatalogue Families { get; set; } = null!;
    [Inject] private ILogger<ComparePage> Logger { get; set; } = null!;

    [Parameter] public string Ids { get; set; } = "";

    private IReadOnlyList<long> ids = [];
    private string? problem;
    private string? loadError;
    private IReadOnlyList<RunDetail> runs = [];
    private IReadOnlyList<long> missing = [];
    private Dictionary<long, string> labels = [];
    private Dictionary<long, string> colors = [];
    private IReadOnlyList<ConfigDiffRow> diff = [];
    private LiveChartSet? charts;
    private MetricChartGrid? grid;
    private ChartOptions options = new();
    private string filter = "";
    private IReadOnlyList<string> rankMetrics = [];
    private string rankMetric = "loss";
    /// <summary>Whether the user picked the ranking metric (then it stays); otherwise it follows the family's primary metric.</summary>
    private bool rankMetricPicked;
    private bool higherIsBetter;
    private long? baseline;
    private IReadOnlyList<RankedRun> ranked = [];
    private RunWatch? watch;
    private readonly CancellationTokenSource stop = new();
    private bool disposed;
    /// <summary>The load of the runs the page shows (its first, or after the selection changed).</summary>
    private Task loading = Task.CompletedTask;

    private bool AnyRunning => runs.Any(r => r.Run.State == RunState.Running);

    /// <summary>"Aggregate by config": the runs' configs (experiment and axis values without the seed) drawn as bands.</summary>
    private bool aggregate;
    private int bandVersion;

    private void OnChartMode(ChangeEventArgs e) => aggregate = e.Value?.ToString() == "config";

    private IReadOnlyList<BandGroup> BandGroups => runs
        .GroupBy(r => (r.Experiment.Id, SweepConfig.Of(System.Text.Json.Nodes.JsonNode.Parse(r.Run.AxisValues) as System.Text.Json.Nodes.JsonObject ?? []).Key))
        .Select((g, i) => new BandGroup(
            $"{g.First().Experiment.Name} · {SweepConfig.Of(System.Text.Json.Nodes.JsonNode.Parse(g.First().Run.AxisValues) as System.Text.Json.Nodes.JsonObject ?? []).Label}",
            g.Select(r => r.Run.Id).ToList(), RunColors.Of(i)))
        .ToList();

    protected override void OnInitialized()
    {
        // Only an interactive render (the circuit, not the prerender) follows the runs. It subscribes before the first
        // load reads anything, as the run page does, so a point or an end stored between that read and the
        // subscription is not missed; changes that come while the page loads wait for the load.
        if (!RendererInfo.IsInteractive || CompareSelection.Parse(Ids) is not ({ } first, null)) return;
        watch = new RunWatch(Feed, first, changes => InvokeAsync(() => OnChangesAsync(changes)),
            e => Logger.LogWarning("Compare page: live update failed ({Message}).", e.Message));
    }

    protected override async Task OnParametersSetAsync()
    {
        (ids, problem) = CompareSelection.Parse(Ids);
        charts = null;
        if (problem is not null) return;
        watch?.Follow(ids);
        loading = LoadAsync();
        await loading;
    }

    private async Task LoadAsync()
    {
        try
        {
            loadError = null;
            runs = await Details.GetManyAsync(ids, stop.Token);
            missing = ids.Except(runs.Select(r => r.Run.Id)).ToList();
            diff = ConfigDiff.Of(runs.Select(r => r.Run.Config).ToList(),
                runs.Select(r => Families.FieldsNotUsedBy(r.Run.Family, r.Run.Config)).ToList());
            var distinguishing = ConfigDiff.Distinguishing(diff, runs.Count);
            labels = runs.Select((r, i) => (r.Run.Id, Label: $"{r.Experiment.Name} · #{r.Run.Id}" + (distinguishing[i].Length > 0 ? $" ({distinguishing[i]})" : "")))
                .ToDictionary(x => x.Id, x => x.Label);
            colors = runs.Select((r, i) => (r.Run.Id, Color: RunColors.Of(i))).ToDictionary(x => x.Id, x => x.Color);
            var family = FamilyOf(runs.FirstOrDefault());
            var present = runs.Select(r => r.Run.Id).ToList();
            var set = new LiveChartSet(Metrics,
                keys => MetricGroups.ForComparison(present, keys, id => labels.GetValueOrDefault(id, $"#{id}"), family?.PrimaryMetric,
                    id => colors.GetValueOrDefault(id)),
                maxPoints: present.Count > 10 ? 1000 : LiveChartSet.DefaultMaxPoints);
            await set.LoadAsync(present, options.XAxis, stop.Token);
            charts = set;
            baseline ??= present.FirstOrDefault();
            ChooseRankMetric(family);
            Rank();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "Loading comparison {Ids} failed.", Ids);
            loadError = e.Message;
        }
    }

    private async Task OnChangesAsync(RunChanges changes)
    {
        await loading; // a change that came while the page loaded applies to what it loaded
        if (disposed || charts is null) return;
        bandVersion++;
        if (changes.StateRuns.Count > 0)
        {
            var before = runs.ToDictionary(r => r.Run.Id, r => r.Run.State);
            runs = await Details.GetManyAsync(ids, stop.Token);
            if (runs.Any(r => before.TryGetValue(r.Run.Id, out var was) && IsActive(was) && !IsActive(r.Run.State)))
            {
                // A run ended: load everything once more so late points and final values are exact.
                await charts.LoadAsync(runs.Select(r => r.Run.Id).ToList(), options.XAxis, stop.Token);
                grid?.Redraw();
                Rank();
                StateHasChanged();
                return;
            }
        }
        if (changes.MetricRuns.Count > 0)
        {
            var update = await charts.FetchNewAsync(changes.MetricRuns.ToList(), stop.Token);
            if (update.ChartsChanged)
            {
                await charts.LoadAsync(runs.Select(r => r.Run.Id).ToList(), options.XAxis, stop.Token);
                grid?.Redraw();
            }
            else if (grid is not null) await grid.ApplyAsync(update);
            ChooseRankMetric(FamilyOf(runs.FirstOrDefault()));
            Rank();
        }
        StateHasChanged();
    }

    private ExperimentFamily? FamilyOf(RunDetail? run) =>
        run is null ? null : Families.Find(run.Run.Family);

    /// <summary>
    /// The family's primary metric when the runs report it, else loss, else the first key. A metric the user picked
    /// is kept; a default is chosen again when the primary metric appears (val/loss often comes after loss).
    /// </summary>
    private void ChooseRankMetric(ExperimentFamily? family)
    {
        rankMetrics = charts!.Keys.Values.SelectMany(k => k.Select(s => s.Key)).Distinct().Order(StringComparer.Ordinal).ToList();
        if (rankMetrics.Contains(rankMetric) && (rankMetricPicked || rankMetric == family?.PrimaryMetric
                                                 || !rankMetrics.Contains(family?.PrimaryMetric ?? "loss"))) return;
        var primary = family?.PrimaryMetric ?? "loss";
        rankMetric = rankMetrics.Contains(primary) ? primary : rankMetrics.Contains("loss") ? "loss" : rankMetrics.FirstOrDefault() ?? primary;
        higherIsBetter = rankMetric == family?.PrimaryMetric ? family.HigherIsBetter : RunRanking.GuessHigherIsBetter(rankMetric);
    }

    private void Rank()
    {
        if (charts is null) return;
        var entries = runs.Select(r => charts.Latest(r.Run.Id, rankMetric) is { } s
                ? new RankingEntry(r.Run.Id, labels[r.Run.Id], r.Run.State.ToName(), s.LastValue, s.LastStep, colors[r.Run.Id])
                : new RankingEntry(r.Run.Id, labels[r.Run.Id], r.Run.State.ToName(), null, null, colors[r.Run.Id]))
            .ToList();
        ranked = RunRanking.Rank(entries, higherIsBetter, baseline);
    }

    private void OnRankMetric(string metric)
    {
        rankMetric = metric;
        rankMetricPicked = true;
        var family = FamilyOf(runs.FirstOrDefault());
        higherIsBetter = metric == family?.PrimaryMetric ? family.HigherIsBetter : RunRanking.GuessHigherIsBetter(metric);
        Rank();
    }

    private void OnDirection(bool higher)
    {
        higherIsBetter = higher;
        Rank();
    }

    private void OnBaseline(long runId)
    {
        baseline = runId;
        Rank();
    }

    private void OnOptionsChanged(ChartOptions changed)
    {
        var axisChanged = changed.XAxis != options.XAxis;
        options = changed;
        if (!axisChanged || charts is null) return;
        charts.SetAxis(changed.XAxis);
        grid?.Redraw();
    }

    private static bool IsActive(RunState state) => state is RunState.Queued or RunState.Scheduled or RunState.Running;

    public async ValueTask DisposeAsync()
    {
        disposed = true;
        await stop.CancelAsync();
        if (watch is not null) await watch.DisposeAsync();
        stop.Dispose();
    }
}
