using System.Text.Json.Nodes;

namespace Dashboard.Domain.Schedules;

/// <summary>
/// A recurring experiment: what to queue (an experiment request, as POST /api/experiments takes it, without its
/// own schedule) and when (a cron expression read in a time zone, so "0 2 * * *" stays 02:00 across daylight saving).
/// </summary>
public sealed record ScheduleDefinition
{
    public required string Name { get; init; }
    /// <summary>Five fields: minute hour day-of-month month day-of-week.</summary>
    public required string Cron { get; init; }
    public required TimeZoneInfo TimeZone { get; init; }
    /// <summary>The experiment each occurrence creates; validated like a new experiment.</summary>
    public required JsonObject Experiment { get; init; }
    public bool Enabled { get; init; } = true;
    /// <summary>Skip an occurrence while the previous occurrence's experiment still has runs queued or running.</summary>
    public bool SkipWhileActive { get; init; }
    public MissedOccurrences Missed { get; init; } = MissedOccurrences.RunOnce;
    public string Owner { get; init; } = "";
}
