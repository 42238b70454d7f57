namespace Dashboard.Worker.Execution.Commands;

/// <summary>
/// Takes a command's output lines from both pipes: every line to the run's log, JSON lines on stdout to the
/// metric sink and progress. Serialises the two readers, so the host's sink and log see one caller at a time.
/// </summary>
internal sealed class CommandOutput(RunContext context, CommandExecutorOptions options, long? configuredTotalSteps)
{
    // Bounds the memory of "already warned about this key" for scripts that invent keys endlessly.
    private const int MaxRememberedProblems = 100;

    private readonly object gate = new();
    private readonly LogTail tail = new(options.FailureTailLines, options.FailureTailLineChars);
    private readonly HashSet<string> reportedProblems = new(StringComparer.Ordinal);
    private long? lastStep;
    private long stdoutLines;
    private bool reportedStepOrder;
    private long? totalSteps = configuredTotalSteps;

    public void Accept(string stream, OutputLine line)
    {
        lock (gate)
        {
            var text = line.Truncated
                ? $"{line.Text}… [line cut: it was {line.ByteLength} bytes, the first {options.MaxLineBytes} are kept; not read as metrics]"
                : line.Text;
            context.Log.Write(stream, text);
            tail.Add(stream, text);
            // Only complete stdout lines are metrics: stderr is for humans, and a cut line is not valid JSON anyway.
            if (stream == RunLogStreams.Stdout) stdoutLines++;
            if (stream == RunLogStreams.Stdout && !line.Truncated) Interpret(line.Text);
        }
    }

    /// <summary>A note from the worker about the run, in the log but not in the failure tail (which quotes the command).</summary>
    public void Note(string message)
    {
        lock (gate) context.Log.Write(RunLogStreams.Worker, message);
    }

    /// <summary>The last output lines, for failure reasons; empty when the command printed nothing.</summary>
    public string Tail()
    {
        lock (gate) return tail.ToString();
    }

    private void Interpret(string line)
    {
        var record = MetricLineParser.Parse(line, options.MaxValuesPerRecord, out var problem);
        if (problem is not null) NoteOnce(problem);
        if (record is null) return;
        foreach (var recordProblem in record.Problems) NoteOnce(recordProblem);
        if (record.TotalSteps is { } total) totalSteps = total;

        // A record without a step is numbered one after the last step seen (0 first): a script that never
        // writes steps gets one step per line, and no value ever overwrites an earlier one. A line with no
        // values and no step (an event such as {"status": "ready"}) is not a step.
        if (record.Step is null && record.Values.Count == 0) return;
        var step = record.Step ?? (lastStep is { } last ? last + 1 : 0);
        if (record.Step is not null && lastStep is { } previous && step <= previous && !reportedStepOrder)
        {
            // Once per run, like other skipped input: a script that restarts its count would otherwise flood the log.
            reportedStepOrder = true;
            context.Log.Write(RunLogStreams.Worker,
                $"stdout line {stdoutLines}: step {step} {(step == previous ? "repeats" : "goes back from")} step {previous}; " +
                "a step already stored keeps its first values, and a run's final value is the one at its largest step (noted once per run).");
        }
        lastStep = step;

        if (record.Values.Count > 0)
            context.Metrics.Report(step, record.Values, record.WallTime ?? DateTimeOffset.UtcNow);
        context.Progress.ReportProgress(step, totalSteps);
    }

    private void NoteOnce(string problem)
    {
        if (reportedProblems.Count >= MaxRememberedProblems || !reportedProblems.Add(problem)) return;
        context.Log.Write(RunLogStreams.Worker, problem);
    }
}
