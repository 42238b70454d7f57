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
/// </summary>
public sealed class WorkerLoop(
    WorkerOptions options,
    WorkerDevice device,
    NpgsqlDataSource dataSource,
    RunExecutorCatalogue executors,
    Action<string> log)
{
    public long WorkerId { get; private set; }

    public async Task RunAsync(CancellationToken shutdown)
    {
        var queue = new RunQueue(dataSource, options.Queue);
        var registry = new WorkerRegistry(dataSource);
        var metricWriter = new MetricWriter(dataSource);
        var artifacts = new ArtifactStore(dataSource, options.ArtifactsDirectory);

        WorkerId = await registry.RegisterAsync(new WorkerInfo
        {
            Name = options.Name,
            Host = Environment.MachineName,
            Device = device.Name,
            GpuName = device.GpuName,
            GpuMemoryMb = device.GpuMemoryMb,
            Version = typeof(WorkerLoop).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
        }, shutdown);
        log($"Worker {options.Name} (id {WorkerId}) on {device.Name}{(device.GpuName is null ? "" : $" ({device.GpuName}, {device.GpuMemoryMb} MiB)")} is taking runs.");

        using var wake = new SemaphoreSlim(0);
        using var stopListening = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        var listener = ListenAsync(wake, stopListening.Token);
        var done = 0;
        try
        {
            while (!shutdown.IsCancellationRequested && (options.MaxRuns is null || done < options.MaxRuns))
            {
                await queue.RescueExpiredLeasesAsync(shutdown);
                var claimed = await queue.ClaimAsync(WorkerId, device, shutdown);
                if (claimed is null)
                {
                    await registry.HeartbeatAsync(WorkerId, shutdown);
                    await wake.WaitAsync(options.IdlePoll, shutdown);
                    continue;
                }
                var executor = executors.Find(claimed.Family);
                if (executor is null)
                {
                    await queue.CompleteAsync(claimed.Lease,
                        RunCompletion.Failed($"this worker has no executor for family '{claimed.Family}'"), ct: shutdown);
                    continue;
                }
                log($"Run {claimed.RunId} ({claimed.Family}) attempt {claimed.Attempt}: started.");
                var state = await new RunAttempt(claimed, device, executor, queue, metricWriter, artifacts, log).ExecuteAsync(shutdown);
                log($"Run {claimed.RunId}: {(state is { } s ? s.ToString() : "lost")}.");
                done++;
            }
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested) { }
        finally
        {
            await registry.SignOffAsync(WorkerId, CancellationToken.None);
            log($"Worker {options.Name} stopped.");
            await stopListening.CancelAsync();
            try { await listener; } catch (OperationCanceledException) { }
        }
    }

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
