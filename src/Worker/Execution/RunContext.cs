using System.Text.Json.Nodes;

namespace Dashboard.Worker.Execution;

/// <summary>Everything an executor needs for one attempt of a run, and the channels it reports through.</summary>
public sealed class RunContext
{
    public required long RunId { get; init; }

    /// <summary>The experiment family (<c>ExperimentFamily.Name</c>), e.g. "command".</summary>
    public required string Family { get; init; }

    /// <summary>The resolved config: defaults applied, this run's sweep values and seed set. Executors only read it.</summary>
    public required JsonObject Config { get; init; }

    public long? Seed { get; init; }

    /// <summary>Which attempt this is, from 1. A later attempt resumes from the run's last checkpoint where it can.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>
    /// How long this attempt may take; null for no limit. The executor enforces it itself and reports
    /// <see cref="RunOutcomeKind.TimedOut"/>. A host that counts time across attempts passes what is left.
    /// </summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>The run's own folder. Files written here become the run's artifacts. The executor creates it if missing.</summary>
    public required DirectoryInfo RunFolder { get; init; }

    /// <summary>
    /// This attempt's own folder for what a command writes (<c>$DASHBOARD_OUTPUT_DIR</c>), so a lingering earlier
    /// attempt can never write into the next one's files. The worker uses <c>attempt-N</c> inside the run's
    /// folder; when not set, the run's folder itself. Built-in families keep checkpoints in <see cref="RunFolder"/>
    /// (they run inside the worker, so they end with it) to resume from them.
    /// </summary>
    public DirectoryInfo OutputFolder
    {
        get => _outputFolder ?? RunFolder;
        init => _outputFolder = value;
    }
    private readonly DirectoryInfo? _outputFolder;

    public required IMetricSink Metrics { get; init; }

    public required IRunLog Log { get; init; }

    public required IRunProgress Progress { get; init; }

    /// <summary>The worker's device: built-in trainers train on it (the CPU, or the GPU "cuda:N").</summary>
    public Dashboard.Domain.Scheduling.WorkerDevice Device { get; init; } = Dashboard.Domain.Scheduling.WorkerDevice.Cpu;

    /// <summary>What the run says about itself (parameter count, peak GPU memory); kept on the run when it ends.</summary>
    public JsonObject Summary { get; } = [];
}
