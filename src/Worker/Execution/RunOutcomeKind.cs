namespace Dashboard.Worker.Execution;

/// <summary>How an attempt ended. Each maps to the run state of the same name.</summary>
public enum RunOutcomeKind
{
    Succeeded,
    Failed,
    /// <summary>The training blew up (NaN/Inf loss, unbounded growth); the run worked, the model did not.</summary>
    Diverged,
    Cancelled,
    TimedOut,
}
