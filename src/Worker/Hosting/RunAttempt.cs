using System.Text.Json.Nodes;
using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Artifacts;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Queue;
using Dashboard.Worker.Execution;

namespace Dashboard.Worker.Hosting;

/// <summary>
/// One attempt at a claimed run: keeps the lease alive by heartbeat, stops the executor when the user
/// cancels, the lease is lost, or the worker shuts down, then records files and completes the run.
/// </summary>
public sealed class RunAttempt(
    ClaimedRun claimed,
    Dashboard.Domain.Scheduling.WorkerDevice device,
    IRunExecutor executor,
    RunQueue queue,
    MetricWriter metricWriter,
    ArtifactStore artifacts,
    Action<string> log)
{
    private enum StopCause { None, UserCancel, LeaseLost, Shutdown }

    private volatile StopCause _cause;
    private long _step = claimed.LastStep ?? 0;
    private long? _totalSteps = claimed.TotalSteps;

    public async Task<RunState?> ExecuteAsync(CancellationToken shutdown)
    {
        var folder = new DirectoryInfo(artifacts.RunFolder(claimed.RunId));
        using var runLog = new RunLogFile(folder, claimed.Attempt);
        await using var metrics = new MetricBatcher(claimed.RunId, metricWriter, line => runLog.Write(RunLogStreams.Worker, line));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        using var onShutdown = shutdown.Register(() => { if (_cause == StopCause.None) _cause = StopCause.Shutdown; });

        var context = new RunContext
        {
            RunId = claimed.RunId,
            Family = claimed.Family,
            Config = claimed.Config,
            Seed = claimed.Seed,
            Attempt = claimed.Attempt,
            TimeLimit = claimed.TimeLimit,
            RunFolder = folder,
            Metrics = metrics,
            Log = runLog,
            Progress = new Progress(this),
            Device = device,
        };

        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(stop, heartbeatStop.Token);
        RunOutcome outcome;
        Exception? broke = null;
        try
        {
            outcome = await executor.ExecuteAsync(context, stop.Token);
        }
        catch (Exception e)
        {
            broke = e;
            outcome = RunOutcome.Failed($"the worker failed while running it: {e.GetType().Name}: {e.Message}");
            runLog.Write(RunLogStreams.Worker, e.ToString());
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
        }

        runLog.Write(RunLogStreams.Worker, $"attempt {claimed.Attempt} ended: {outcome.Kind}{(outcome.Reason is null ? "" : $" ({outcome.Reason})")}");
        runLog.Flush();
        await metrics.DisposeAsync();
        runLog.Dispose();
        try { await artifacts.RecordFolderAsync(claimed.RunId, CancellationToken.None); }
        catch (Exception e) { log($"run {claimed.RunId}: recording files failed: {e.Message}"); }

        switch (_cause)
        {
            case StopCause.LeaseLost:
                log($"run {claimed.RunId}: lease lost; another worker may have it now. Nothing more is reported.");
                return null;
            case StopCause.Shutdown:
                await queue.ReleaseAsync(claimed.Lease, "the worker shut down; requeued", CancellationToken.None);
                return RunState.Queued;
        }

        var completion = _cause == StopCause.UserCancel
            ? new RunCompletion(RunState.Cancelled, "cancelled by a user")
            : new RunCompletion(outcome.State, outcome.Reason, Retryable: broke is not null);
        var summary = Summary(metrics.Latest, context.Summary);
        return await queue.CompleteAsync(claimed.Lease, completion, summary, Interlocked.Read(ref _step), CancellationToken.None);
    }

    /// <summary>
    /// Renews the lease every heartbeat interval. If renewals keep failing for a whole lease period the run is
    /// stopped anyway: by then it may have been rescued, and two workers must never run it at once.
    /// </summary>
    private async Task HeartbeatAsync(CancellationTokenSource stop, CancellationToken done)
    {
        var lastRenewed = DateTime.UtcNow;
        using var timer = new PeriodicTimer(queue.Options.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(done))
            {
                LeaseStatus status;
                try
                {
                    status = await queue.RenewAsync(claimed.Lease, Interlocked.Read(ref _step), _totalSteps, done);
                    lastRenewed = DateTime.UtcNow;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log($"run {claimed.RunId}: heartbeat failed: {e.Message}");
                    if (DateTime.UtcNow - lastRenewed < queue.Options.LeaseDuration * 0.8) continue;
                    status = LeaseStatus.Lost;
                }
                if (status == LeaseStatus.Held) continue;
                if (_cause == StopCause.None)
                    _cause = status == LeaseStatus.CancelRequested ? StopCause.UserCancel : StopCause.LeaseLost;
                await stop.CancelAsync();
                return;
            }
        }
        catch (OperationCanceledException) { }
    }

    private static string Summary(IReadOnlyDictionary<string, double> latest, JsonObject reported)
    {
        var final = new JsonObject();
        foreach (var (key, value) in latest.OrderBy(p => p.Key, StringComparer.Ordinal))
            final[key] = double.IsFinite(value) ? value : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var summary = (JsonObject)reported.DeepClone();
        summary["final"] = final;
        return summary.ToJsonString();
    }

    private sealed class Progress(RunAttempt attempt) : IRunProgress
    {
        public void ReportProgress(long step, long? totalSteps)
        {
            Interlocked.Exchange(ref attempt._step, step);
            if (totalSteps is not null) attempt._totalSteps = totalSteps;
        }
    }
}
