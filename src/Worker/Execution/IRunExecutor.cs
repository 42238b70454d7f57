namespace Dashboard.Worker.Execution;

/// <summary>
/// Runs one attempt of a run to its end. One implementation per kind of work: external commands now, the
/// built-in training templates later. The host picks the executor, supplies the <see cref="RunContext"/>,
/// and turns the <see cref="RunOutcome"/> into the run's next state.
/// </summary>
public interface IRunExecutor
{
    /// <summary>Whether this executor runs experiments of <paramref name="family"/> (an <c>ExperimentFamily.Name</c>).</summary>
    bool CanExecute(string family);

    /// <summary>
    /// Runs the attempt and reports how it ended. Expected endings (the work failed, timed out, was cancelled)
    /// come back as outcomes, not exceptions; an exception means the worker itself broke (for example the
    /// metric sink threw), and the executor has stopped whatever it started before it propagates.
    /// </summary>
    /// <param name="cancellationToken">Fires when the run must stop (user cancel, worker shutdown); the result is then
    /// <see cref="RunOutcomeKind.Cancelled"/> and the host, which knows why it cancelled, decides what that means.</param>
    Task<RunOutcome> ExecuteAsync(RunContext context, CancellationToken cancellationToken);
}
