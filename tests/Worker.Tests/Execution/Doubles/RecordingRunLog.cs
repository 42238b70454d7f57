using Dashboard.Worker.Execution;

namespace Dashboard.Worker.Tests.Execution.Doubles;

/// <summary>Keeps every log line in memory, with the stream it came from.</summary>
public sealed class RecordingRunLog : IRunLog
{
    private readonly List<(string Stream, string Line)> lines = [];

    public IReadOnlyList<(string Stream, string Line)> Lines
    {
        get { lock (lines) return lines.ToList(); }
    }

    public IReadOnlyList<string> Of(string stream) => Lines.Where(l => l.Stream == stream).Select(l => l.Line).ToList();

    public void Write(string stream, string line)
    {
        lock (lines) lines.Add((stream, line));
    }
}
