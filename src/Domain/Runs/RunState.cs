namespace Dashboard.Domain.Runs;

/// <summary>Where a run is in its life. Stored as lower-case snake text (see <see cref="RunStateNames"/>).</summary>
public enum RunState
{
    Queued,
    Scheduled,
    Running,
    Succeeded,
    Failed,
    Diverged,
    Cancelled,
    TimedOut,
}
