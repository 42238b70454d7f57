using Dashboard.Domain.Scheduling;

namespace Dashboard.Domain.Runs;

/// <summary>One training job: a resolved config that a worker executes. Part of an experiment.</summary>
public sealed class Run
{
    public long Id { get; set; }
    public long ExperimentId { get; set; }
    /// <summary>Position in the experiment's sweep, from 0.</summary>
    public int Index { get; set; }
    public required string Family { get; set; }
    /// <summary>The resolved config as JSON text: the experiment's config with this run's axis values and seed applied.</summary>
    public required string Config { get; set; }
    public long? Seed { get; set; }
    /// <summary>This run's point in the sweep as a JSON object of axis name to value ("{}" for a single run).</summary>
    public string AxisValues { get; set; } = "{}";

    public RunState State { get; set; } = RunState.Queued;
    public int Priority { get; set; }
    /// <summary>The run is not claimed before this time (overnight runs, retry backoff).</summary>
    public DateTimeOffset? NotBefore { get; set; }
    public DeviceKind DeviceKind { get; set; } = DeviceKind.Cpu;
    public int MinGpuMemoryMb { get; set; }
    public int? TimeLimitSeconds { get; set; }

    public int Attempts { get; set; }
    public int MaxAttempts { get; set; } = 3;
    public long? WorkerId { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public bool CancelRequested { get; set; }
    public string? FailureReason { get; set; }

    public long? Step { get; set; }
    public long? TotalSteps { get; set; }
    /// <summary>What the run reported about itself as a JSON object (parameter count, peak GPU memory, final metrics).</summary>
    public string Summary { get; set; } = "{}";

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public DeviceRequirement Device => new(DeviceKind, MinGpuMemoryMb);
}
