using System.Text.Json.Nodes;

namespace Dashboard.Domain.Families;

/// <summary>A named, ready-to-queue config (and sweep), such as a seed paper's demo or its depth sweep.</summary>
public sealed record Preset(string Name, string Title, JsonObject Config, JsonObject? Sweep = null);
