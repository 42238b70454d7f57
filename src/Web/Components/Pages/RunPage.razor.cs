using System.Text.Json.Nodes;
using Dashboard.Domain.Artifacts;
using Dashboard.Domain.Families;
using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Artifacts;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Reading;
using Dashboard.Web.Components.Metrics;
using Dashboard.Web.Live;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Components.Pages;

/// <summary>
/// One run: header, charts that grow as points arrive, config, facts, log tail and files. Follows the run through
/// the LISTEN feed from before its first read (at most ten redraws a second) and re-reads the log every second while
/// it runs; when the run ends, everything is loaded once more so the page shows exactly what was stored.
/// </summary>
public sealed partial class RunPage
{
    private static readonly TimeSpan LogPollInterval = TimeSpan.FromSeconds(1);

    [Inject] private RunDetailQuery Runs { get; set; } = null!;
    [Inject] private MetricQueries Metrics { get; set; } = null!;
    [Inject] private ArtifactStore Store { get; set; } = null!;
    [Inject] private RunChangeFeed Feed { get; set; } = null!;
    [Inject] private FamilyCatalogue Families { get; set; } = null!;
    [Inject] private ILogger<RunPage> Logger { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private Dashboard.Infrastructure.Workers.WorkerCapacity Capacity { get; set; } = null!;

    [Parameter] public long Id { get; set; }

    private RunDetail? detail;
    private bool notFound;
    private string? loadError;
    private LiveChartSet? charts;
    private MetricChartGrid? grid;
    private ChartOptions options = new();
    private string filter = "";
    private IReadOnlyList<Artifact> artifacts = [];
    private RunLogTail log = RunLogTail.None;
    private IReadOnlySet<string> axisKeys = new HashSet<string>();
    private IReadOnlySet<string> unusedKeys = new HashSet<string>();
    private RunWatch? watch;
    private readonly CancellationTokenSource stop = new();
    private bool disposed;
    /// <summary>The load of the run the page shows (its first, or after navigating to another run).</summary>
    private Task loading = Task.CompletedTask;
    /// <summary>Why this waiting run cannot start (no online worker can serve its device); null otherwise.</summary>
    private string? waitingReason;

    private bool Live => detail?.Run.State is RunState.Running;

    /// <summary>The step line moves with the metrics as they arrive, not only with the heartbeat; a succeeded run shows T of T.</summary>
    private long? ShownStep => detail is null ? null : StepShown.Of(detail.Run.State, detail.Run.Step,
        charts?.Keys.GetValueOrDefault(Id) is { Count: > 0 } keys ? keys.Max(k => k.LastStep) : null, detail.Run.TotalSteps);

    protected override void OnInitialized()
    {
        // Only an interactive render (the circuit, not the prerender) follows the run. It subscribes before the first
        // load reads anything, so a change stored between that read and the subscription is not missed (a run that
        // ended there would have shown "running" for good); changes that come while the page loads wait for the load.
        if (!RendererInfo.IsInteractive) return;
        watch = new RunWatch(Feed, [Id], changes => InvokeAsync(() => OnChangesAsync(changes)),
            e => Logger.LogWarning("Run {RunId} page: live update failed ({Message}).", Id, e.Message));
        _ = PollLogAsync(stop.Token);
    }

    protected override async Task OnParametersSetAsync()
    {
        // A new id (navigating from one run to another) starts over: new charts, and the watch follows the new run.
        charts = null;
        detail = null;
        watch?.Follow([Id]);
        loading = ReloadAsync();
        await loading;
    }

    /// <summary>After an action on this run: a deleted run's page goes back to its experiment; otherwise it shows the new state.</summary>
    private async Task OnRunActionAsync(Dashboard.Web.Components.Runs.RunActionDone done)
    {
        if (done.Action == Dashboard.Web.Components.Runs.RunAction.Deleted && detail is not null)
            Navigation.NavigateTo($"experiments/{detail.Experiment.Id}");
        else
            await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        try
        {
            loadError = null;
            detail = await Runs.GetAsync(Id, stop.Token);
            notFound = detail is null;
            if (detail is null) return;
            axisKeys = AxisKeysOf(detail.Run.AxisValues);
            unusedKeys = Families.FieldsNotUsedBy(detail.Run.Family, detail.Run.Config);
            if (charts is null)
            {
                var primary = Families.Find(detail.Run.Family)?.PrimaryMetric;
                charts = new LiveChartSet(Metrics, keys => MetricGroups.ForRun(Id, keys.GetValueOrDefault(Id, []).Select(s => s.Key), primary));
            }
            await charts.LoadAsync([Id], options.XAxis, stop.Token);
            artifacts = await Store.ListAsync(Id, stop.Token);
            log = await RunLogTail.ReadAsync(Store, Id, ct: stop.Token);
            await ReadWaitingReasonAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "Loading run {RunId} failed.", Id);
            loadError = e.Message;
        }
    }

    private async Task OnChangesAsync(RunChanges changes)
    {
        await loading; // a change that came while the page loaded applies to what it loaded
        if (disposed || detail is null) return;
        if (changes.StateRuns.ContainsKey(Id))
        {
            var wasFinished = IsFinished(detail.Run.State);
            detail = await Runs.GetAsync(Id, stop.Token) ?? detail;
            await ReadWaitingReasonAsync();
            if (!wasFinished && IsFinished(detail.Run.State))
            {
                // The final full refresh: late points, the last log lines, the files recorded at the end.
                await ReloadAsync();
                grid?.Redraw();
                StateHasChanged();
                return;
            }
        }
        if (changes.MetricRuns.Contains(Id))
        {
            if (charts is null) return;
            var update = await charts.FetchNewAsync([Id], stop.Token);
            if (update.ChartsChanged)
            {
                await charts.LoadAsync([Id], options.XAxis, stop.Token);
                grid?.Redraw();
            }
            else if (grid is not null) await grid.ApplyAsync(update);
        }
        StateHasChanged();
    }

    private async Task PollLogAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(LogPollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                if (detail?.Run.State.IsWaiting() == true)
                {
                    // Workers coming and going send no NOTIFY; re-ask while the run waits.
                    var before = waitingReason;
                    await ReadWaitingReasonAsync();
                    if (before != waitingReason) await InvokeAsync(StateHasChanged);
                }
                if (detail?.Run.State is not (RunState.Running or RunState.Queued)) continue;
                var fresh = await RunLogTail.ReadAsync(Store, Id, ct: ct);
                if (fresh.TotalBytes == log.TotalBytes) continue;
                await InvokeAsync(() =>
                {
                    log = fresh;
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception e) { Logger.LogWarning("Run {RunId} page: log tail stopped ({Message}).", Id, e.Message); }
    }

    private async Task ReadWaitingReasonAsync() =>
        waitingReason = detail is { } d ? (await Capacity.WaitingReasonsAsync([d.Run], stop.Token)).GetValueOrDefault(d.Run.Id) : null;

    private void OnOptionsChanged(ChartOptions changed)
    {
        var axisChanged = changed.XAxis != options.XAxis;
        options = changed;
        if (!axisChanged || charts is null) return;
        charts.SetAxis(changed.XAxis);
        grid?.Redraw();
    }

    private static bool IsFinished(RunState state) =>
        state is not (RunState.Queued or RunState.Scheduled or RunState.Running);

    private static IReadOnlySet<string> AxisKeysOf(string axisValues)
    {
        try { return JsonNode.Parse(axisValues) is JsonObject o ? o.Select(p => p.Key).ToHashSet() : new HashSet<string>(); }
        catch (System.Text.Json.JsonException) { return new HashSet<string>(); }
    }

    public async ValueTask DisposeAsync()
    {
        disposed = true;
        await stop.CancelAsync();
        if (watch is not null) await watch.DisposeAsync();
        stop.Dispose();
    }
}
