namespace Dashboard.Worker.Execution;

/// <summary>Names of the sources of log lines, so a reader can tell the script's own output from the worker's notes.</summary>
public static class RunLogStreams
{
    public const string Stdout = "stdout";
    public const string Stderr = "stderr";
    /// <summary>Notes written by the worker about the run (skipped metrics, processes it had to stop).</summary>
    public const string Worker = "worker";
}
