using System.Text.Json.Nodes;
using Dashboard.Domain.Claims;

namespace Dashboard.Domain.Families;

/// <summary>
/// Seed 000's headline claims (its Table 2 and summary: 100 % vortex density, quality 1.00, zero annihilations, the
/// maximum reward 1,650 reached and held, convergence from the first cycle) for the generic claims panel, per mode, so
/// as-run and intended are judged apart. The scale comparison ("505× speedup") and cycles-to-maximum stay in the
/// family's own table (<see cref="HhmlReport"/>), which pairs the two scales.
/// </summary>
public static class HhmlSeedClaims
{
    public static IReadOnlyList<ClaimDefinition> PerMode { get; } = ClaimJson.Parse(JsonNode.Parse("""
        [
          {"name": "density-100", "statement": "Vortex density stays at 100 % in every cycle",
           "seed": "density 1.00 at cycles 1, 3, 6, …, 60", "seed_values": [1],
           "metric": "density", "reading": "min", "per": "mode", "aggregate": "median", "test": "within 0.001 of 1"},
          {"name": "quality-1", "statement": "Vortex quality is 1.00 in every cycle",
           "seed": "quality 1.00 throughout", "seed_values": [1],
           "metric": "quality", "reading": "min", "per": "mode", "aggregate": "median", "test": "within 0.01 of 1"},
          {"name": "zero-annihilations", "statement": "No vortex is ever annihilated",
           "seed": "removed 0 in every cycle", "seed_values": [0],
           "metric": "removed", "reading": "max", "per": "mode", "aggregate": "median", "test": "<= 0"},
          {"name": "maximum-reward", "statement": "The maximum reward (1,650) is reached",
           "seed": "reward 1,650 from cycle 12 on (1,450 + the 200 sustained bonus)", "seed_values": [1650],
           "metric": "reward", "reading": "max", "per": "mode", "aggregate": "median", "test": "within 0.5 of 1650"},
          {"name": "instant-convergence", "statement": "Convergence from the first cycle: reward at its maximum from cycle 1",
           "seed": "\"instant convergence\" (its table: 1,450 at cycle 1)", "seed_values": [1650],
           "metric": "reward", "reading": "step:1", "per": "mode", "aggregate": "median", "test": "within 0.5 of 1650"}
        ]
        """));
}
