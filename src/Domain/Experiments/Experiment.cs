namespace Dashboard.Domain.Experiments;

/// <summary>What a user queued: a family's config, optionally swept over axes and seeds into several runs.</summary>
public sealed class Experiment
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required string Family { get; set; }
    /// <summary>The base config as JSON text, before sweep axes are applied.</summary>
    public required string Config { get; set; }
    /// <summary>The sweep as JSON text (<see cref="Sweeps.SweepSpec"/>), or null for a single run.</summary>
    public string? Sweep { get; set; }
    public string[] Tags { get; set; } = [];
    public string Owner { get; set; } = "";
    public string Notes { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The claims checked against its runs as JSON text (<see cref="Claims.ClaimJson"/>), or null for none.</summary>
    public string? Claims { get; set; }
}
