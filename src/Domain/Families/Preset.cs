using System.Text.Json.Nodes;

namespace Dashboard.Domain.Families;

/// <summary>A named, ready-to-queue config (and sweep), such as a seed paper's demo or its depth sweep.</summary>
/// <param name="TimeLimitSeconds">The per-run time limit a request gets when it names none (a seed's own limit).</param>
public sealed record Preset(string Name, string Title, JsonObject Config, JsonObject? Sweep = null, int? TimeLimitSeconds = null)
{
    /// <summary>The seed's claims, checked against the runs of an experiment queued from this preset.</summary>
    public IReadOnlyList<Claims.ClaimDefinition> Claims { get; init; } = [];
}
