using Dashboard.Domain.Schedules;

namespace Dashboard.Infrastructure.Schedules;

/// <summary>A schedule as stored, with the last occurrence it handled (null before its first).</summary>
public sealed record StoredSchedule(long Id, ScheduleDefinition Definition, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset ActiveSince, ScheduleOccurrence? LastOccurrence)
{
    public CronRecurrence Recurrence => CronRecurrence.Parse(Definition.Cron, Definition.TimeZone);

    /// <summary>When it fires next after <paramref name="now"/>; null while paused.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset now) => Definition.Enabled ? Recurrence.NextAfter(now) : null;
}
