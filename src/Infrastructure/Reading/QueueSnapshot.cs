using Dashboard.Domain.Runs;
using Dashboard.Domain.Workers;

namespace Dashboard.Infrastructure.Reading;

/// <summary>
/// The queue at a glance. Waiting runs count as queued when a worker may take them now and as scheduled when
/// their not-before time is still ahead (overnight runs, and failed attempts waiting out their backoff).
/// </summary>
public sealed record QueueSnapshot(int Queued, int ScheduledLater, int Running, int FinishedToday, int FailedToday,
    IReadOnlyList<WorkerInfo> Workers, IReadOnlyList<RecentRun> RecentRuns, DateTimeOffset ReadAt);

/// <summary>A run with the name of its experiment, for lists that mix experiments.</summary>
public sealed record RecentRun(Run Run, string ExperimentName);
