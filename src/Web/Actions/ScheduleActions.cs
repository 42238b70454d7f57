using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;
using Dashboard.Domain.Schedules;
using Dashboard.Infrastructure.Schedules;
using Dashboard.Web.Hosting;

namespace Dashboard.Web.Actions;

/// <summary>What users do to schedules, from the Schedules page or the REST API (both validate alike).</summary>
public sealed class ScheduleActions(FamilyCatalogue catalogue, ScheduleStore store, DashboardOptions options, TimeProvider clock)
{
    /// <summary>Validates a schedule (see <see cref="ScheduleRequest"/>); bad input names every wrong field.</summary>
    public ScheduleDefinition Parse(JsonNode? request) =>
        ScheduleRequest.Parse(request, catalogue, clock.GetUtcNow(), options.TonightAt, CronRecurrence.Problem);

    /// <param name="caller">The member creating it: owns it (and its experiments) unless the request names an owner.</param>
    public async Task<long> CreateAsync(JsonNode? request, string? caller, CancellationToken ct = default)
    {
        var schedule = Parse(request);
        if (schedule.Owner.Length == 0 && caller is { Length: > 0 }) schedule = schedule with { Owner = caller };
        return await store.CreateAsync(schedule, ct);
    }

    /// <summary>Replaces the definition; false when there is no such schedule. An absent owner keeps the stored one.</summary>
    public async Task<bool> UpdateAsync(long id, JsonNode? request, CancellationToken ct = default)
    {
        var schedule = Parse(request);
        var stored = await store.FindAsync(id, ct);
        if (stored is null) return false;
        if (schedule.Owner.Length == 0) schedule = schedule with { Owner = stored.Definition.Owner };
        return await store.UpdateAsync(id, schedule, ct);
    }

    /// <summary>
    /// Occurrences of enabled schedules in the next <paramref name="window"/>, and the runs they will queue (the
    /// overview counts them with the runs scheduled for later). A definition that no longer validates counts no runs.
    /// </summary>
    public async Task<(int Occurrences, int Runs)> UpcomingAsync(TimeSpan window, CancellationToken ct = default)
    {
        var (occurrences, runs) = (0, 0);
        foreach (var (schedule, count) in await store.UpcomingAsync(window, ct))
        {
            occurrences += count;
            try
            {
                var experiment = ExperimentRequest.Parse(schedule.Definition.Experiment, catalogue, clock.GetUtcNow(), options.TonightAt);
                runs += count * experiment.Sweep.RunCount;
            }
            catch (Domain.InvalidInputException) { }
        }
        return (occurrences, runs);
    }

    public Task<bool> PauseAsync(long id, CancellationToken ct = default) => store.SetEnabledAsync(id, false, ct);

    public Task<bool> ResumeAsync(long id, CancellationToken ct = default) => store.SetEnabledAsync(id, true, ct);

    public Task<bool> DeleteAsync(long id, CancellationToken ct = default) => store.DeleteAsync(id, ct);
}
