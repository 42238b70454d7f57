using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;

namespace Dashboard.Domain.Schedules;

/// <summary>
/// Reads a schedule as clients send it, collecting every problem with the field it concerns:
/// <code>
/// {"name": "nightly regression", "cron": "0 2 * * *", "time_zone": "Europe/Berlin", "enabled": true,
///  "skip_while_active": true, "missed": "run_once" | "skip",
///  "experiment": {"family": "command", "config": {...}, "sweep": {...}, "device": "cpu", "priority": 0}}
/// </code>
/// The experiment is checked exactly as POST /api/experiments checks one (its errors are named
/// "experiment.&lt;field&gt;"); it may not carry its own schedule.
/// </summary>
public static class ScheduleRequest
{
    private static readonly HashSet<string> KnownFields =
        ["name", "cron", "time_zone", "enabled", "skip_while_active", "missed", "experiment", "owner"];

    /// <param name="cronProblem">What is wrong with a cron expression (naming the field where it fails), or null when it is usable.</param>
    public static ScheduleDefinition Parse(JsonNode? body, FamilyCatalogue catalogue, DateTimeOffset now, TimeOnly tonight,
        Func<string, TimeZoneInfo, string?> cronProblem)
    {
        if (body is not JsonObject request)
            throw new InvalidInputException("body", "must be a JSON object with 'name', 'cron' and 'experiment'.");

        var errors = new List<ValidationError>();
        foreach (var (field, _) in request)
            if (!KnownFields.Contains(field))
                errors.Add(new(field, $"is not a field of a schedule; known fields: {string.Join(", ", KnownFields.Order())}."));

        var name = ExperimentRequest.Text(request, "name", errors)?.Trim();
        if (name is { Length: 0 }) errors.Add(new("name", "must not be empty."));
        if (name is { Length: > 150 }) errors.Add(new("name", "must be at most 150 characters (each experiment adds its time)."));

        var zoneId = ExperimentRequest.Text(request, "time_zone", errors, optional: true) ?? "UTC";
        TimeZoneInfo? zone = null;
        try { zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            errors.Add(new("time_zone", $"'{zoneId}' is not a time zone; use an IANA name like Europe/Berlin or UTC."));
        }

        var cron = ExperimentRequest.Text(request, "cron", errors)?.Trim();
        if (cron is not null && cronProblem(cron, zone ?? TimeZoneInfo.Utc) is { } problem)
            errors.Add(new("cron", $"'{cron}': {problem}"));

        var enabled = Flag(request, "enabled", errors) ?? true;
        var skipWhileActive = Flag(request, "skip_while_active", errors) ?? false;
        var missedText = ExperimentRequest.Text(request, "missed", errors, optional: true) ?? "run_once";
        var missed = MissedOccurrencesNames.Parse(missedText);
        if (missed is null) errors.Add(new("missed", $"'{missedText}' is not a choice; use 'run_once' or 'skip'."));
        var owner = ExperimentRequest.Text(request, "owner", errors, optional: true) ?? "";

        var experiment = request["experiment"] as JsonObject;
        if (experiment is null)
            errors.Add(new("experiment", request["experiment"] is null ? "is required." : "must be a JSON object (the body of a new experiment)."));
        else
        {
            experiment = (JsonObject)experiment.DeepClone();
            foreach (var own in new[] { "schedule", "not_before" })
                if (experiment.ContainsKey(own))
                    errors.Add(new($"experiment.{own}", "is set by the schedule: each occurrence queues its runs at once."));
            try { ExperimentRequest.Parse(experiment, catalogue, now, tonight); }
            catch (InvalidInputException e)
            {
                errors.AddRange(e.Errors.Select(x => x with { Field = "experiment." + x.Field }));
            }
        }

        if (errors.Count > 0) throw new InvalidInputException(errors);
        return new ScheduleDefinition
        {
            Name = name!,
            Cron = cron!,
            TimeZone = zone!,
            Experiment = experiment!,
            Enabled = enabled,
            SkipWhileActive = skipWhileActive,
            Missed = missed!.Value,
            Owner = owner,
        };
    }

    /// <summary>The experiment request of one occurrence: the schedule's, named with the occurrence's local time.</summary>
    public static JsonObject ExperimentAt(ScheduleDefinition schedule, DateTimeOffset occurrence)
    {
        var request = (JsonObject)schedule.Experiment.DeepClone();
        var local = TimeZoneInfo.ConvertTime(occurrence, schedule.TimeZone);
        var baseName = request["name"] is JsonValue v && v.TryGetValue<string>(out var n) && n.Trim().Length > 0 ? n.Trim() : schedule.Name;
        if (baseName.Length > 180) baseName = baseName[..180];
        request["name"] = $"{baseName} {local:yyyy-MM-dd HH:mm}";
        if (!request.ContainsKey("owner") && schedule.Owner.Length > 0) request["owner"] = schedule.Owner;
        return request;
    }

    private static bool? Flag(JsonObject request, string field, List<ValidationError> errors)
    {
        switch (request[field])
        {
            case null: return null;
            case JsonValue value when value.TryGetValue<bool>(out var flag): return flag;
            default:
                errors.Add(new(field, "must be true or false."));
                return null;
        }
    }
}
