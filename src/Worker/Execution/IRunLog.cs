namespace Dashboard.Worker.Execution;

/// <summary>
/// The run's text log. The host keeps it as the artifact <c>log.txt</c> and keeps a tail for the dashboard.
/// Executors call it from one thread at a time.
/// </summary>
public interface IRunLog
{
    /// <param name="stream">Where the line came from: one of <see cref="RunLogStreams"/>.</param>
    /// <param name="line">One line, without its line break.</param>
    void Write(string stream, string line);
}
