namespace Dashboard.Infrastructure.Schedules;

/// <summary>
/// One occurrence a schedule handled: it created an experiment, or skipped (the previous one still had runs
/// waiting or running; or it passed while no dashboard was running and the schedule skips those), or failed (the
/// experiment no longer validates, e.g. a family's field was renamed; <see cref="Detail"/> says why).
/// </summary>
public sealed record ScheduleOccurrence(long ScheduleId, DateTimeOffset OccursAt, string Outcome, long? ExperimentId,
    string? ExperimentName, string Detail, DateTimeOffset RecordedAt)
{
    public const string Created = "created";
    public const string SkippedActive = "skipped_active";
    public const string SkippedMissed = "skipped_missed";
    public const string Failed = "failed";
}
