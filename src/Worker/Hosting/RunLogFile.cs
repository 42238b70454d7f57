using System.Globalization;
using Dashboard.Worker.Execution;

namespace Dashboard.Worker.Hosting;

/// <summary>
/// A run's log: appended to log.txt in the run's folder (the web app tails that file live, and it becomes the
/// run's log artifact), with the last lines kept in memory for failure reasons. Every attempt appends below a
/// line naming its attempt number, and each line reaches the file at once, so the lines of an attempt whose
/// worker was killed are kept for the next.
/// </summary>
public sealed class RunLogFile : IRunLog, IDisposable
{
    public const string FileName = Dashboard.Infrastructure.Artifacts.RunLogTail.FileName;
    private const int TailLines = 40;
    private readonly StreamWriter _file;
    private readonly Queue<string> _tail = new();

    /// <param name="file">The log, opened for appending (see <c>ArtifactStore.AppendToLog</c>); owned from here on.</param>
    public RunLogFile(Stream file, int attempt)
    {
        _file = new StreamWriter(file) { AutoFlush = true };
        Write(RunLogStreams.Worker, $"attempt {attempt} started at {DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture)}");
    }

    public void Write(string stream, string line)
    {
        lock (_tail)
        {
            var text = stream == RunLogStreams.Stdout ? line : $"[{stream}] {line}";
            _file.WriteLine(text);
            _tail.Enqueue(text);
            if (_tail.Count > TailLines) _tail.Dequeue();
        }
    }

    public IReadOnlyList<string> Tail
    {
        get { lock (_tail) return _tail.ToList(); }
    }

    public void Flush()
    {
        lock (_tail) _file.Flush();
    }

    public void Dispose()
    {
        lock (_tail) _file.Dispose();
    }
}
