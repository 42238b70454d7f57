using System.Text.Json.Nodes;

namespace Dashboard.Domain.Sweeps;

/// <summary>One run of a sweep: its index, its resolved config, its seed and the axis values that made it.</summary>
public sealed record SweepPoint(int Index, JsonObject Config, long? Seed, JsonObject AxisValues);
