namespace Dashboard.Infrastructure.Queue;

/// <summary>
/// A worker's hold on a run. The attempt number is the fencing token: after a rescue the run is claimed
/// again with a higher attempt, so the old holder's renewals and completions no longer match anything.
/// </summary>
public sealed record Lease(long RunId, long WorkerId, int Attempt);

public enum LeaseStatus
{
    Held,
    /// <summary>Held, and a user asked to cancel: stop the run and complete it as cancelled.</summary>
    CancelRequested,
    /// <summary>Rescued or finished by someone else: stop at once and report nothing more.</summary>
    Lost,
}
