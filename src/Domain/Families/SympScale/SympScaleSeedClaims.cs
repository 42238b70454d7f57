using System.Text.Json.Nodes;
using Dashboard.Domain.Claims;

namespace Dashboard.Domain.Families.SympScale;

/// <summary>
/// Seed 003's locked 4-D CR3BP claims (<see cref="SympScaleSeedFigures"/>) for the generic claims panel, read from the
/// <c>cr3bp-reliability</c> runs by model. The seed's MSE ratio is the median over seeds of per-seed ratios; a claim
/// compares aggregates, so here it is the ratio of the two models' medians (the family's own table above shows the
/// per-seed median and IQR).
/// </summary>
public static class SympScaleSeedClaims
{
    public static IReadOnlyList<ClaimDefinition> Cr3bpReliability { get; } = ClaimJson.Parse(JsonNode.Parse("""
        [
          {"name": "symp-bounded", "statement": "The symplectic model stays bounded on every seed",
           "seed": "bounded 10/10", "seed_values": [10, 10],
           "metric": "rollout/last100_mse", "runs": {"model": "symp"}, "aggregate": "count:bounded", "test": "all"},
          {"name": "gru-divergent", "statement": "The capacity-matched GRU diverges on most seeds",
           "seed": "divergent 6/10", "seed_values": [6, 10],
           "metric": "rollout/last100_mse", "runs": {"model": "gru"}, "aggregate": "count:diverged", "test": ">= 6"},
          {"name": "mse-ratio", "statement": "The GRU's last-100 MSE is at least 10× the symplectic model's (here: ratio of the medians)",
           "seed": "median of per-seed ratios 81.8×, IQR [2.0×, 172.9×]", "seed_values": [81.8, 2.0, 172.9],
           "metric": "rollout/last100_mse", "runs": {"model": "gru"}, "aggregate": "median",
           "versus": {"runs": {"model": "symp"}, "as": "ratio"}, "test": ">= 10"},
          {"name": "symp-mse-range", "statement": "The symplectic model's last-100 MSE stays within the seed's range (median ≤ 14.48)",
           "seed": "4.39 – 14.48", "seed_values": [4.39, 14.48],
           "metric": "rollout/last100_mse", "runs": {"model": "symp"}, "aggregate": "median", "test": "<= 14.48"},
          {"name": "jacobi-drift", "statement": "With projection, the Jacobi integral drifts by about 4e-11 (mean over seeds, upper CI 4.9e-11)",
           "seed": "3.94e-11, 95 % CI [3.0e-11, 4.9e-11] (5 seeds)", "seed_values": [3.94e-11, 3.0e-11, 4.9e-11],
           "metric": "conservation/residual_projected", "runs": {"model": "symp"}, "aggregate": "mean", "test": "<= 4.9e-11"}
        ]
        """));
}
