using Dashboard.Domain.Runs;

namespace Dashboard.Worker.Execution;

/// <summary>How an attempt ended, and why in words when it did not succeed (shown to the user as the run's failure reason).</summary>
public sealed record RunOutcome(RunOutcomeKind Kind, string? Reason)
{
    public static RunOutcome Succeeded() => new(RunOutcomeKind.Succeeded, null);
    public static RunOutcome Failed(string reason) => new(RunOutcomeKind.Failed, reason);
    public static RunOutcome Diverged(string reason) => new(RunOutcomeKind.Diverged, reason);
    public static RunOutcome Cancelled() => new(RunOutcomeKind.Cancelled, null);
    public static RunOutcome TimedOut(string reason) => new(RunOutcomeKind.TimedOut, reason);

    /// <summary>The run state this outcome leads to, before the host applies retries or requeues on shutdown.</summary>
    public RunState State => Kind switch
    {
        RunOutcomeKind.Succeeded => RunState.Succeeded,
        RunOutcomeKind.Failed => RunState.Failed,
        RunOutcomeKind.Diverged => RunState.Diverged,
        RunOutcomeKind.Cancelled => RunState.Cancelled,
        RunOutcomeKind.TimedOut => RunState.TimedOut,
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };
}
