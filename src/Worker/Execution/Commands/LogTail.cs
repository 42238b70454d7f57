namespace Dashboard.Worker.Execution.Commands;

/// <summary>
/// The last few output lines, kept so a failure reason can quote them. stdout and stderr are read concurrently,
/// so a burst of stdout read late could push the traceback on stderr out of a plain "last N lines"; the last
/// stderr lines therefore always keep up to half the places.
/// </summary>
internal sealed class LogTail(int capacity, int maxLineChars)
{
    private readonly Queue<(long Order, string Line)> stdout = new();
    private readonly Queue<(long Order, string Line)> stderr = new();
    private long next;

    public void Add(string stream, string line)
    {
        var shortened = line.Length <= maxLineChars ? line : line[..maxLineChars] + "…";
        var isError = stream == RunLogStreams.Stderr;
        var queue = isError ? stderr : stdout;
        queue.Enqueue((next++, isError ? $"[stderr] {shortened}" : shortened));
        while (queue.Count > capacity) queue.Dequeue();
    }

    /// <summary>Up to <c>capacity</c> lines in the order they were read, one per line of text.</summary>
    public override string ToString()
    {
        var errors = stderr.Skip(Math.Max(0, stderr.Count - capacity / 2)).ToList();
        var rest = stdout.Concat(stderr.Take(stderr.Count - errors.Count))
            .OrderBy(e => e.Order)
            .TakeLast(capacity - errors.Count);
        return string.Join('\n', errors.Concat(rest).OrderBy(e => e.Order).Select(e => e.Line));
    }
}
