using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Artifacts;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Queue;
using Dashboard.Worker.Execution;

namespace Dashboard.Worker.Hosting;

/// <summary>
/// One attempt at a claimed run: keeps the lease alive by heartbeat, stops the executor when the user
/// cancels, the lease is lost, or the worker shuts down, then records files and completes the run — with the
/// lease renewed all the while. The database may go away at any point: the run goes on, metrics wait in
/// memory, and every write is retried until it is back; then the attempt completes under its fence, or, if
/// its lease was taken meanwhile, stops and reports nothing.
/// </summary>
public sealed class RunAttempt(
    ClaimedRun claimed,
    Dashboard.Domain.Scheduling.WorkerDevice device,
    IRunExecutor executor,
    RunQueue queue,
    MetricWriter metricWriter,
    ArtifactStore artifacts,
    Action<string> log,
    RunAttemptOptions? options = null)
{
    private enum StopCause { None, UserCancel, LeaseLost, Shutdown }

    private readonly RunAttemptOptions _options = options ?? new RunAttemptOptions();
    private volatile StopCause _cause;
    private long _step = claimed.LastStep ?? 0;
    private long? _totalSteps = claimed.TotalSteps;
    private MetricBatcher? _metrics;

    /// <summary>The folder of attempt <paramref name="attempt"/>'s outputs, inside the run's folder.</summary>
    public static string AttemptFolderName(int attempt) => "attempt-" + attempt.ToString(CultureInfo.InvariantCulture);

    public async Task<RunState?> ExecuteAsync(CancellationToken shutdown)
    {
        var folder = new DirectoryInfo(artifacts.RunFolder(claimed.RunId));
        FileStream logFile;
        try
        {
            logFile = artifacts.AppendToLog(claimed.RunId);
        }
        catch (IOException e)
        {
            // Something planted where the log goes (a link, a FIFO): never written through; the run cannot be logged.
            return await RetryAsync(() => queue.CompleteAsync(claimed.Lease,
                RunCompletion.Failed($"the run's log could not be opened: {e.Message}"), ct: CancellationToken.None), "complete the run");
        }
        var runLog = new RunLogFile(logFile, claimed.Attempt);
        try
        {
            return await ExecuteAsync(folder, runLog, shutdown);
        }
        finally
        {
            runLog.Dispose();
        }
    }

    private async Task<RunState?> ExecuteAsync(DirectoryInfo folder, RunLogFile runLog, CancellationToken shutdown)
    {
        var metrics = _metrics = new MetricBatcher(claimed.RunId, metricWriter, line => runLog.Write(RunLogStreams.Worker, line), _options.MaxBufferedPoints);
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
            OutputFolder = new DirectoryInfo(Path.Join(folder.FullName, AttemptFolderName(claimed.Attempt))),
            Metrics = metrics,
            Log = runLog,
            Progress = new Progress(this),
            Device = device,
        };

        // The heartbeat goes on until the attempt is completed: storing metrics, recording files and the
        // completion itself may each wait out an outage, and the lease must not lapse meanwhile.
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(stop, heartbeatStop.Token);
        try
        {
            await FetchCheckpointsAsync(runLog);
            RunOutcome outcome;
            Exception? broke = null;
            using var shippingStop = new CancellationTokenSource();
            var shipping = ShipCheckpointsAsync(runLog, shippingStop.Token);
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
            await shippingStop.CancelAsync();
            await shipping;

            runLog.Write(RunLogStreams.Worker, $"attempt {claimed.Attempt} ended: {outcome.Kind}{(outcome.Reason is null ? "" : $" ({outcome.Reason})")}");
            // A worker told to stop gives an outage a little time, then leaves the run to be rescued.
            var drained = metrics.DisposeAsync().AsTask();
            if (_cause == StopCause.Shutdown && await Task.WhenAny(drained, Task.Delay(_options.ShutdownPatience)) != drained)
                metrics.Abandon();
            await drained;
            if (_cause == StopCause.LeaseLost)
            {
                log($"run {claimed.RunId}: lease lost; another worker may have it now. Nothing more is reported.");
                return null;
            }
            await RecordFilesAsync(runLog);

            if (_cause == StopCause.Shutdown)
            {
                using var patience = new CancellationTokenSource(_options.ShutdownPatience);
                try
                {
                    await RetryAsync(() => queue.ReleaseAsync(claimed.Lease, "the worker shut down; requeued", CancellationToken.None),
                        "hand the run back", patience.Token);
                }
                catch (OperationCanceledException)
                {
                    log($"run {claimed.RunId}: could not hand the run back before stopping; it is requeued when its lease expires.");
                }
                return RunState.Queued;
            }
            var completion = _cause == StopCause.UserCancel
                ? new RunCompletion(RunState.Cancelled, "cancelled by a user")
                : new RunCompletion(outcome.State, outcome.Reason, Retryable: broke is not null);
            var summary = Summary(metrics.Latest, context.Summary);
            var state = await RetryAsync(() => queue.CompleteAsync(claimed.Lease, completion, summary, Interlocked.Read(ref _step), CancellationToken.None),
                "complete the run");
            if (state is null) log($"run {claimed.RunId}: its lease was taken before it could complete; its result was not stored.");
            return state;
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
            metrics.Abandon();
        }
    }

    /// <summary>
    /// Records the run's files (only regular files inside its folder, within the limits), says in the run's log
    /// what was left out and why, then records the log itself as it stands.
    /// </summary>
    private async Task RecordFilesAsync(RunLogFile runLog)
    {
        for (var tries = 1; ; tries++)
        {
            try
            {
                var report = await RetryAsync(() => artifacts.RecordFolderAsync(claimed.RunId, _options.Recording, CancellationToken.None,
                    exclude: name => name == RunLogFile.FileName), "record the run's files");
                foreach (var skipped in report.Skipped) runLog.Write(RunLogStreams.Worker, $"file {skipped}");
                runLog.Flush();
                await RetryAsync(() => artifacts.RecordExistingAsync(claimed.RunId, RunLogFile.FileName, CancellationToken.None), "record the run's log");
                return;
            }
            catch (Exception e) when (tries < MaxStoreTries && Dashboard.Infrastructure.Artifacts.Remote.S3ArtifactBucket.IsTransient(e))
            {
                // The artifact store is away: what was recorded stays recorded, and a large file's upload resumes.
                var wait = TimeSpan.FromSeconds(1 << (tries - 1));
                log($"run {claimed.RunId}: the artifact store did not take the run's files ({e.Message}); trying again in {wait.TotalSeconds:0} s.");
                await Task.Delay(wait);
            }
            catch (Exception e) when (!DatabaseFailures.IsTransient(e))
            {
                log($"run {claimed.RunId}: recording files failed: {e.Message}");
                runLog.Write(RunLogStreams.Worker, $"recording files failed: {e.Message}");
                return;
            }
        }
    }

    /// <summary>Tries at recording into an unreachable artifact store (1, 2, 4 … 32 s apart, about a minute in all, with the lease renewed).</summary>
    private const int MaxStoreTries = 7;

    private static readonly string CheckpointFolder = Experiments.Training.TrainingCheckpoint.FolderName + "/";

    /// <summary>
    /// With an S3 artifact store, a requeued run (after a failure, a rescue or a handed-back shutdown, which does not
    /// count as an attempt) may land on a host that never saw its folder: bring the checkpoints its earlier workers
    /// uploaded, so a built-in family resumes from them as it would on the first host.
    /// </summary>
    private async Task FetchCheckpointsAsync(RunLogFile runLog)
    {
        if (artifacts.Bucket is null) return;
        try
        {
            var fetched = await RetryAsync(() => artifacts.FetchAsync(claimed.RunId, CheckpointFolder, CancellationToken.None), "fetch the run's checkpoints");
            foreach (var name in fetched) runLog.Write(RunLogStreams.Worker, $"fetched '{name}' from the artifact store to resume from");
        }
        catch (Exception e) when (!DatabaseFailures.IsTransient(e))
        {
            runLog.Write(RunLogStreams.Worker, $"could not fetch the run's checkpoints ({e.Message}); it starts without them.");
        }
    }

    /// <summary>
    /// With an S3 artifact store, uploads the checkpoints a built-in family writes while it trains (every
    /// <see cref="Dashboard.Infrastructure.Artifacts.Remote.S3Settings.CheckpointInterval"/>), so that if this worker dies
    /// the run resumes on any host; a large checkpoint goes up in parts, and an upload cut short is continued.
    /// </summary>
    private async Task ShipCheckpointsAsync(RunLogFile runLog, CancellationToken done)
    {
        if (artifacts.Bucket is not { } bucket) return;
        using var timer = new PeriodicTimer(bucket.Settings.CheckpointInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(done))
            {
                try
                {
                    await artifacts.RecordFolderAsync(claimed.RunId, _options.Recording, done,
                        exclude: name => !name.StartsWith(CheckpointFolder, StringComparison.Ordinal)
                            || name.EndsWith(Experiments.Training.TrainingCheckpoint.PartialSuffix, StringComparison.Ordinal));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The next tick (or the recording at the end of the attempt) tries again.
                    runLog.Write(RunLogStreams.Worker, $"uploading checkpoints failed ({e.Message}); trying again later.");
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Retries a database step for as long as the database is unreachable; the lease is renewed meanwhile.</summary>
    private Task<T> RetryAsync<T>(Func<Task<T>> step, string what, CancellationToken giveUp = default) =>
        DatabaseRetry.UntilReachableAsync(step,
            e => log($"run {claimed.RunId}: could not {what} ({e.Message}); retrying until the database is back."),
            _options.MaxBackoff, giveUp);

    /// <summary>
    /// Renews the lease every heartbeat interval. A renewal that fails because the database is unreachable is
    /// retried and the run goes on: no one can rescue the lease while the database is away (and after it
    /// restarts, rescues wait one lease period, see <see cref="RunQueue.RescueExpiredLeasesAsync"/>). Once the
    /// database answers again, a lease taken meanwhile stops the run.
    /// </summary>
    private async Task HeartbeatAsync(CancellationTokenSource stop, CancellationToken done)
    {
        var failing = false;
        using var timer = new PeriodicTimer(queue.Options.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(done))
            {
                LeaseStatus status;
                try
                {
                    status = await queue.RenewAsync(claimed.Lease, Interlocked.Read(ref _step), _totalSteps, done);
                    if (failing) log($"run {claimed.RunId}: the database is back; lease {(status == LeaseStatus.Lost ? "lost" : "renewed")}.");
                    failing = false;
                }
                catch (Exception e) when (e is not OperationCanceledException && DatabaseFailures.IsTransient(e))
                {
                    if (!failing) log($"run {claimed.RunId}: heartbeat failed ({e.Message}); the run goes on while retrying.");
                    failing = true;
                    continue;
                }
                if (status == LeaseStatus.Held) continue;
                if (_cause == StopCause.None)
                    _cause = status == LeaseStatus.CancelRequested ? StopCause.UserCancel : StopCause.LeaseLost;
                if (status == LeaseStatus.Lost) _metrics?.Abandon();
                await stop.CancelAsync();
                if (status == LeaseStatus.Lost) return;
            }
        }
        catch (OperationCanceledException) { }
    }

    private static string Summary(IReadOnlyDictionary<string, double> latest, JsonObject reported)
    {
        var final = new JsonObject();
        foreach (var (key, value) in latest.OrderBy(p => p.Key, StringComparer.Ordinal))
            final[key] = double.IsFinite(value) ? value : value.ToString(CultureInfo.InvariantCulture);
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
