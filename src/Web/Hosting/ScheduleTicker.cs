using Dashboard.Infrastructure.Schedules;

namespace Dashboard.Web.Hosting;

/// <summary>
/// Fires schedules' due occurrences. Runs in every web process; the occurrence's unique key lets only one of
/// them create the experiment. The first tick at start also catches up on occurrences missed while down.
/// </summary>
public sealed class ScheduleTicker(ScheduleFiring firing, ILogger<ScheduleTicker> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                foreach (var occurrence in await firing.FireDueAsync(stoppingToken))
                    log.LogInformation("Schedule {Schedule} at {At:u}: {Outcome} {Experiment} {Detail}", occurrence.ScheduleId,
                        occurrence.OccursAt, occurrence.Outcome, occurrence.ExperimentId, occurrence.Detail);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Firing schedules failed; trying again shortly");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
