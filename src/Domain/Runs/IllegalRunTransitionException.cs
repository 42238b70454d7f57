namespace Dashboard.Domain.Runs;

public sealed class IllegalRunTransitionException(long runId, RunState from, RunState to)
    : InvalidOperationException(Describe(runId, from, to))
{
    public long RunId { get; } = runId;
    public RunState From { get; } = from;
    public RunState To { get; } = to;

    private static string Describe(long runId, RunState from, RunState to)
    {
        var allowed = RunTransitions.Next(from);
        var options = allowed.Count == 0
            ? $"'{from.ToName()}' is final"
            : $"from '{from.ToName()}' a run can go to {string.Join(", ", allowed.Select(s => $"'{s.ToName()}'"))}";
        return $"Run {runId} cannot go from '{from.ToName()}' to '{to.ToName()}': {options}.";
    }
}
