using System.Text.Json.Nodes;
using Dashboard.Domain.Families;
using Dashboard.Domain.Scheduling;
using Dashboard.Domain.Sweeps;

namespace Dashboard.Domain.Experiments;

/// <summary>A validated experiment, ready to store and enqueue: its family's config (defaults applied) and sweep.</summary>
public sealed record ExperimentSubmission
{
    public required string Name { get; init; }
    public required ExperimentFamily Family { get; init; }
    public required JsonObject Config { get; init; }
    public SweepSpec Sweep { get; init; } = SweepSpec.Single;
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string Owner { get; init; } = "";
    public string Notes { get; init; } = "";
    /// <summary>Higher runs first.</summary>
    public int Priority { get; init; }
    /// <summary>Runs are not claimed before this time (overnight runs). Null: as soon as a worker is free.</summary>
    public DateTimeOffset? NotBefore { get; init; }
    public DeviceRequirement Device { get; init; } = DeviceRequirement.Cpu;
    public int? TimeLimitSeconds { get; init; }
    public int MaxAttempts { get; init; } = 3;
    /// <summary>Claims to check against the runs (a preset's seed claims, or the request's own).</summary>
    public IReadOnlyList<Claims.ClaimDefinition> Claims { get; init; } = [];
}
