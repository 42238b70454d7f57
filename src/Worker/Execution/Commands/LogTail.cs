namespace Dashboard.Worker.Execution.Commands;

/// <summary>The last few output lines, kept so a failure reason can quote them (usually the traceback).</summary>
internal sealed class LogTail(int capacity, int maxLineChars)
{
    private readonly Queue<string> lines = new();

    public void Add(string stream, string line)
    {
        var shortened = line.Length <= maxLineChars ? line : line[..maxLineChars] + "…";
        lines.Enqueue(stream == RunLogStreams.Stderr ? $"[stderr] {shortened}" : shortened);
        while (lines.Count > capacity) lines.Dequeue();
    }

    public bool IsEmpty => lines.Count == 0;

    public override string ToString() => string.Join('\n', lines);
}
