using Dashboard.Infrastructure.Queue;

namespace Dashboard.Web.Hosting;

/// <summary>
/// Rescues runs whose worker vanished. Workers do this too, but the web app is always up, so a run is
/// requeued (or failed, out of attempts) even when every worker is gone.
/// </summary>
public sealed class LeaseRescue(RunQueue queue, ILogger<LeaseRescue> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var rescued = await queue.RescueExpiredLeasesAsync(stoppingToken);
                if (rescued > 0) log.LogWarning("Rescued {Count} runs whose worker stopped heartbeating", rescued);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Lease rescue failed; trying again shortly");
            }
        }
    }
}
