namespace Dashboard.Worker.Execution;

/// <summary>The executors a worker has, so the host can find the one for a run's family (and refuse runs it cannot serve).</summary>
public sealed class RunExecutorCatalogue(IEnumerable<IRunExecutor> executors)
{
    private readonly IReadOnlyList<IRunExecutor> executors = executors.ToList();

    /// <summary>The first executor that runs <paramref name="family"/>, or null when this worker has none.</summary>
    public IRunExecutor? Find(string family) => executors.FirstOrDefault(e => e.CanExecute(family));
}
