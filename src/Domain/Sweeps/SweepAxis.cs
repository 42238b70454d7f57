using System.Text.Json.Nodes;

namespace Dashboard.Domain.Sweeps;

/// <summary>One swept config field: a dotted path into the config ("optimizer.lr") and the values it takes.</summary>
public sealed record SweepAxis(string Path, IReadOnlyList<JsonNode?> Values);
