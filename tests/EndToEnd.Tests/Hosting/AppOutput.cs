namespace Dashboard.EndToEnd.Tests.Hosting;

/// <summary>
/// Everything the started product printed (stdout and stderr), kept in memory for the test output and
/// written to a log file, so a failing test shows what the app said while it ran.
/// </summary>
public sealed class AppOutput(string logFile)
{
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();

    public string LogFile { get; } = logFile;

    public void Add(string stream, string line)
    {
        var stamped = $"{DateTime.Now:HH:mm:ss.fff} {stream} {line}";
        lock (_gate)
        {
            _lines.Add(stamped);
            File.AppendAllText(LogFile, stamped + Environment.NewLine);
        }
    }

    /// <summary>A position to read from later with <see cref="Since"/>.</summary>
    public int Mark()
    {
        lock (_gate) return _lines.Count;
    }

    public IReadOnlyList<string> Since(int mark)
    {
        lock (_gate) return _lines.Skip(mark).ToList();
    }

    public string Tail(int count)
    {
        lock (_gate) return string.Join(Environment.NewLine, _lines.TakeLast(count));
    }
}
