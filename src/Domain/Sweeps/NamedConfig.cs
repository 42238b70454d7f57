using System.Text.Json.Nodes;

namespace Dashboard.Domain.Sweeps;

/// <summary>
/// One named config of a sweep's list of configs: config fields (dotted paths) and the values they take in that
/// run, e.g. <c>"lazy_proj_10_scalar": {"projection_every": 10, "alpha_shape": "scalar"}</c>. For sweeps whose runs
/// are a list of hand-picked configs rather than a grid (seed 001's seven optimisation configs).
/// </summary>
public sealed record NamedConfig(string Name, IReadOnlyList<KeyValuePair<string, JsonNode?>> Values);
