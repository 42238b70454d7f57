using System.Text.Json.Nodes;
using Dashboard.Domain.Schedules;

namespace Dashboard.Web.Editing;

/// <summary>
/// What the schedule form holds: the timing as typed, and the experiment as the YAML document of
/// POST /api/experiments. <see cref="ToRequest"/> makes the REST API's schedule body from it.
/// </summary>
public sealed class ScheduleDraft
{
    public string Name { get; set; } = "";
    public string Cron { get; set; } = "0 2 * * *";
    public string TimeZone { get; set; } = "UTC";
    public bool Enabled { get; set; } = true;
    public bool SkipWhileActive { get; set; } = true;
    public string Missed { get; set; } = "run_once";
    /// <summary>The experiment each occurrence queues, as YAML.</summary>
    public string ExperimentYaml { get; set; } = "";
    public string Owner { get; set; } = "";

    /// <summary>A new schedule for an experiment request (the new-experiment form's, or a clone's): its own timing is dropped.</summary>
    public static ScheduleDraft ForExperiment(JsonObject experiment, string zone)
    {
        var request = (JsonObject)experiment.DeepClone();
        request.Remove("schedule");
        request.Remove("not_before");
        var name = ConfigName(request);
        return new ScheduleDraft
        {
            Name = name is { Length: > 0 } ? $"{name} (nightly)" : "",
            TimeZone = zone,
            ExperimentYaml = RequestText.ToYaml(request),
        };
    }

    public static ScheduleDraft From(ScheduleDefinition schedule) => new()
    {
        Name = schedule.Name,
        Cron = schedule.Cron,
        TimeZone = schedule.TimeZone.Id,
        Enabled = schedule.Enabled,
        SkipWhileActive = schedule.SkipWhileActive,
        Missed = schedule.Missed.ToName(),
        ExperimentYaml = RequestText.ToYaml(schedule.Experiment),
        Owner = schedule.Owner,
    };

    /// <summary>The API's body. A malformed YAML document is a <see cref="FormatException"/> saying where.</summary>
    /// <param name="withoutExperiment">Leave the experiment out (while its YAML does not parse), to check the rest.</param>
    public JsonObject ToRequest(bool withoutExperiment = false)
    {
        var request = new JsonObject
        {
            ["name"] = Name.Trim(),
            ["cron"] = Cron.Trim(),
            ["time_zone"] = TimeZone.Trim(),
            ["enabled"] = Enabled,
            ["skip_while_active"] = SkipWhileActive,
            ["missed"] = Missed,
        };
        if (!withoutExperiment) request["experiment"] = RequestText.ParseYaml(ExperimentYaml);
        if (Owner.Length > 0) request["owner"] = Owner;
        return request;
    }

    private static string? ConfigName(JsonObject request) =>
        request["name"] is JsonValue v && v.TryGetValue<string>(out var n) ? n.Trim() : null;
}
