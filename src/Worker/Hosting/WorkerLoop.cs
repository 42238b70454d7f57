using System.Reflection;
using Dashboard.Domain.Scheduling;
using Dashboard.Domain.Workers;
using Dashboard.Infrastructure.Artifacts;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Queue;
using Dashboard.Infrastructure.Workers;
using Dashboard.Worker.Execution;
using Npgsql;

namespace Dashboard.Worker.Hosting;

/// <summary>
/// The worker's life: register, then claim and execute runs one at a time until stopped, heartbeating while
/// idle and rescuing runs of workers that died. A NOTIFY on run_changed wakes an idle worker at once.
/// The database may go away for any length of time: the worker waits, retrying with backoff, and goes on.
/// </summary>
public sealed class WorkerLoop(
    WorkerOptions options,
    WorkerDevice device,
    NpgsqlDataSource dataSource,
    RunExecutorCatalogue executors,
    Action<string> log,
    RunAttemptOptions? attemptOptions = null)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ClaimGrace = TimeSpan.FromSeconds(5);   // how long a claim in flight may finish after the stop

    public long WorkerId { get; private set; }

    public async Task RunAsync(CancellationToken shutdown)
    {
        var queue = new RunQueue(dataSource, options.Queue);
        var registry = new WorkerRegistry(dataSource);
        var metricWriter = new MetricWriter(dataSource);
        using var bucket = options.ArtifactBucket is { } s3 ? new Dashboard.Infrastructure.Artifacts.Remote.S3ArtifactBucket(s3, dataSource) : null;
        if (bucket is not null)
        {
            await bucket.EnsureReachableAsync(shutdown); // a misconfigured store stops the worker before it takes a run
            log($"Recorded files go to the S3 {bucket.Settings}.");
        }
        var artifacts = new ArtifactStore(dataSource, options.ArtifactsDirectory, bucket);

        try
        {
            WorkerId = await OutlastOutagesAsync(() => registry.RegisterAsync(new WorkerInfo
            {
                Name = options.Name,
                Host = Environment.MachineName,
                Device = device.Name,
                GpuName = device.GpuName,
                GpuMemoryMb = device.GpuMemoryMb,
                Version = typeof(WorkerLoop).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            }, shutdown), "register", shutdown);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            return; // stopped before the database let it register
        }
        log($"Worker {options.Name} (id {WorkerId}) on {device.Name}{(device.GpuName is null ? "" : $" ({device.GpuName}, {device.GpuMemoryMb} MiB)")} is taking runs.");

        using var wake = new SemaphoreSlim(0);
        using var stopListening = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        var listener = ListenAsync(wake, stopListening.Token);
        // A claim the database committed as the worker was told to stop must still reach its attempt, which hands the
        // run back (cut off, the run stayed 'running' until its lease expired); a claim stuck in an outage is given up.
        using var claimsEnd = new CancellationTokenSource();
        using var onShutdown = shutdown.Register(() => claimsEnd.CancelAfter(ClaimGrace));
        var done = 0;
        try
        {
            var delay = TimeSpan.FromMilliseconds(200);
            while (!shutdown.IsCancellationRequested && (options.MaxRuns is null || done < options.MaxRuns))
            {
                ClaimedRun? claimed;
                try
                {
                    await queue.RescueExpiredLeasesAsync(shutdown);
                    claimed = await queue.ClaimAsync(WorkerId, device, claimsEnd.Token);
                    if (claimed is null) await registry.HeartbeatAsync(WorkerId, shutdown);
                    if (delay > TimeSpan.FromMilliseconds(200)) log("The database is back; taking runs again.");
                    delay = TimeSpan.FromMilliseconds(200);
                }
                catch (Exception e) when (e is not OperationCanceledException && DatabaseFailures.IsTransient(e))
                {
                    if (delay == TimeSpan.FromMilliseconds(200)) log($"The database is unreachable ({e.Message}); waiting for it.");
                    await Task.Delay(delay, shutdown);
                    delay = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, delay.Ticks * 2));
                    continue;
                }
                if (claimed is null)
                {
                    await wake.WaitAsync(options.IdlePoll, shutdown);
                    continue;
                }
                var executor = executors.Find(claimed.Family);
                if (executor is null)
                {
                    await OutlastOutagesAsync(() => queue.CompleteAsync(claimed.Lease,
                        RunCompletion.Failed($"this worker has no executor for family '{claimed.Family}'"), ct: shutdown), "complete", shutdown);
                    continue;
                }
                log($"Run {claimed.RunId} ({claimed.Family}) attempt {claimed.Attempt}: started.");
                var state = await new RunAttempt(claimed, device, executor, queue, metricWriter, artifacts, log, attemptOptions).ExecuteAsync(shutdown);
                log($"Run {claimed.RunId}: {(state is { } s ? s.ToString() : "lost")}.");
                done++;
            }
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested) { }
        finally
        {
            try { await registry.SignOffAsync(WorkerId, CancellationToken.None); }
            catch (Exception e) when (DatabaseFailures.IsTransient(e)) { log($"Could not sign off ({e.Message})."); }
            log($"Worker {options.Name} stopped.");
            await stopListening.CancelAsync();
            try { await listener; } catch (OperationCanceledException) { }
        }
    }

    private Task<T> OutlastOutagesAsync<T>(Func<Task<T>> step, string what, CancellationToken shutdown) =>
        DatabaseRetry.UntilReachableAsync(step, e => log($"Could not {what} ({e.Message}); retrying until the database is back."), MaxBackoff, shutdown);

    private async Task ListenAsync(SemaphoreSlim wake, CancellationToken shutdown)
    {
        while (!shutdown.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(shutdown);
                connection.Notification += (_, n) =>
                {
                    if (n.Payload.EndsWith(":queued", StringComparison.Ordinal) && wake.CurrentCount == 0) wake.Release();
                };
                await using (var listen = new NpgsqlCommand("LISTEN run_changed", connection))
                    await listen.ExecuteNonQueryAsync(shutdown);
                while (true) await connection.WaitAsync(shutdown);
            }
            catch (OperationCanceledException) when (shutdown.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log($"LISTEN connection lost ({e.Message}); polling until it is back.");
                await Task.Delay(TimeSpan.FromSeconds(2), shutdown);
            }
        }
    }
}
