using System.Text.Json.Nodes;
using Dashboard.Domain.Families;
using Dashboard.Domain.Schedules;

namespace Dashboard.Web.Editing;

/// <summary>
/// What the schedule form holds: the timing as typed, and the experiment each occurrence queues as the
/// new-experiment form's draft (family, config, sweep, device, priority; no start of its own: the schedule says when).
/// <see cref="ToRequest"/> makes the REST API's schedule body from it.
/// </summary>
public sealed class ScheduleDraft
{
    public string Name { get; set; } = "";
    public string Cron { get; set; } = "0 2 * * *";
    public string TimeZone { get; set; } = "UTC";
    public bool Enabled { get; set; } = true;
    public bool SkipWhileActive { get; set; } = true;
    public string Missed { get; set; } = "run_once";
    /// <summary>The experiment each occurrence queues.</summary>
    public required ExperimentDraft Experiment { get; set; }
    public string Owner { get; set; } = "";

    /// <summary>
    /// A new schedule for an experiment request (the new-experiment form's, or a clone's): its own start is dropped.
    /// A request that does not read (an unknown family) is an <see cref="Domain.InvalidInputException"/>.
    /// </summary>
    public static ScheduleDraft ForExperiment(JsonObject experiment, FamilyCatalogue catalogue, string zone)
    {
        var draft = new ScheduleDraft { TimeZone = zone, Experiment = Repeating(experiment, catalogue) };
        draft.Name = draft.Experiment.Name.Trim() is { Length: > 0 } name ? $"{name} (nightly)" : "";
        return draft;
    }

    public static ScheduleDraft From(ScheduleDefinition schedule, FamilyCatalogue catalogue) => new()
    {
        Name = schedule.Name,
        Cron = schedule.Cron,
        TimeZone = schedule.TimeZone.Id,
        Enabled = schedule.Enabled,
        SkipWhileActive = schedule.SkipWhileActive,
        Missed = schedule.Missed.ToName(),
        Experiment = Repeating(schedule.Experiment, catalogue),
        Owner = schedule.Owner,
    };

    /// <summary>The API's body.</summary>
    public JsonObject ToRequest()
    {
        var request = new JsonObject
        {
            ["name"] = Name.Trim(),
            ["cron"] = Cron.Trim(),
            ["time_zone"] = TimeZone.Trim(),
            ["enabled"] = Enabled,
            ["skip_while_active"] = SkipWhileActive,
            ["missed"] = Missed,
            ["experiment"] = Experiment.ToRequest(),
        };
        if (Owner.Length > 0) request["owner"] = Owner;
        return request;
    }

    private static ExperimentDraft Repeating(JsonObject experiment, FamilyCatalogue catalogue)
    {
        var request = (JsonObject)experiment.DeepClone();
        request.Remove("schedule");
        request.Remove("not_before");
        var draft = ExperimentDraft.FromRequest(request, catalogue);
        draft.Repeats = true;
        return draft;
    }
}
