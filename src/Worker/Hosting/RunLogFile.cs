using System.Globalization;
using Dashboard.Worker.Execution;

namespace Dashboard.Worker.Hosting;

/// <summary>
/// A run's log: appended to log.txt in the run's folder (the web app tails that file live, and it becomes the
/// run's log artifact), with the last lines kept in memory for failure reasons.
/// </summary>
public sealed class RunLogFile : IRunLog, IDisposable
{
    public const string FileName = Dashboard.Infrastructure.Artifacts.RunLogTail.FileName;
    private const int TailLines = 40;
    private readonly StreamWriter _file;
    private readonly Queue<string> _tail = new();
    private DateTime _lastFlush = DateTime.UtcNow;

    public RunLogFile(DirectoryInfo runFolder, int attempt)
    {
        runFolder.Create();
        _file = new StreamWriter(new FileStream(Path.Combine(runFolder.FullName, FileName), FileMode.Append,
            FileAccess.Write, FileShare.ReadWrite | FileShare.Delete));
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
            if (DateTime.UtcNow - _lastFlush > TimeSpan.FromMilliseconds(250))
            {
                _file.Flush();
                _lastFlush = DateTime.UtcNow;
            }
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
