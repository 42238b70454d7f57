namespace Dashboard.Domain.Runs;

/// <summary>
/// The run state machine. A run waits (queued, or scheduled for later), runs, and ends in one of five
/// terminal states. A running run goes back to waiting when its worker is lost or a transient failure is
/// retried. Terminal states are final: running a finished experiment again makes a new run.
/// </summary>
public static class RunTransitions
{
    private static readonly Dictionary<RunState, RunState[]> Allowed = new()
    {
        [RunState.Queued] = [RunState.Scheduled, RunState.Running, RunState.Cancelled],
        [RunState.Scheduled] = [RunState.Queued, RunState.Running, RunState.Cancelled],
        [RunState.Running] =
        [
            RunState.Succeeded, RunState.Failed, RunState.Diverged, RunState.Cancelled, RunState.TimedOut,
            RunState.Queued, RunState.Scheduled,
        ],
        [RunState.Succeeded] = [],
        [RunState.Failed] = [],
        [RunState.Diverged] = [],
        [RunState.Cancelled] = [],
        [RunState.TimedOut] = [],
    };

    public static bool IsTerminal(this RunState state) => Allowed[state].Length == 0;

    public static bool IsWaiting(this RunState state) => state is RunState.Queued or RunState.Scheduled;

    public static bool CanMove(RunState from, RunState to) => Allowed[from].Contains(to);

    public static IReadOnlyList<RunState> Next(RunState from) => Allowed[from];

    /// <summary>Throws <see cref="IllegalRunTransitionException"/> unless the move is allowed.</summary>
    public static void EnsureCanMove(long runId, RunState from, RunState to)
    {
        if (!CanMove(from, to))
            throw new IllegalRunTransitionException(runId, from, to);
    }
}
