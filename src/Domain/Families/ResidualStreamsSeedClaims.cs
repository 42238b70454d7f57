using System.Text.Json.Nodes;
using Dashboard.Domain.Claims;

namespace Dashboard.Domain.Families;

/// <summary>
/// Seed 002's claims (its depth-sweep table and the observations under it: 200 steps, 12/24/48 layers ×
/// baseline/HC/mHC), in the form a user writes for a command experiment. Runs are picked by the variant axis
/// (baseline/hc/mhc) and the depth sweep's named configs, the seed's own files tiny_12l / tiny_24l / tiny_48l (one
/// depth each; the 48-layer one halves the batch, which a depth axis could not say), so "at every depth" is "per config".
/// </summary>
public static class ResidualStreamsSeedClaims
{
    public static IReadOnlyList<ClaimDefinition> DepthSweep { get; } = ClaimJson.Parse(JsonNode.Parse("""
        [
          {"name": "mhc-gain-nonpositive", "statement": "mHC's gain proxy stays ≤ 0 at every depth (bounded by the doubly stochastic constraint)",
           "seed": "−0.6 at 12, 24 and 48 layers (−0.602 in the 24-layer runs)", "seed_values": [-0.602],
           "metric": "gain_proxy", "runs": {"variant": "mhc"}, "per": "config", "aggregate": "median", "test": "<= 0"},
          {"name": "mhc-gain-value", "statement": "mHC's gain proxy is −0.602 (10^−0.602 = 0.25×: the residual path slightly attenuates)",
           "seed": "−0.602", "seed_values": [-0.602],
           "metric": "gain_proxy", "runs": {"variant": "mhc"}, "per": "config", "aggregate": "median", "test": "within 0.01 of -0.602"},
          {"name": "mhc-gain-flat", "statement": "mHC's gain proxy is flat in depth",
           "seed": "−0.6, −0.6, −0.6 at 12, 24, 48 layers", "seed_values": [-0.6, -0.6, -0.6],
           "metric": "gain_proxy", "runs": {"variant": "mhc"}, "per": "config", "aggregate": "median", "test": "flat within 0.05"},
          {"name": "hc-gain-grows", "statement": "HC's gain proxy grows with depth",
           "seed": "6.3 at 12 layers → 13.3 at 24 layers", "seed_values": [6.3, 13.3],
           "metric": "gain_proxy", "runs": {"variant": "hc", "config": ["tiny_12l", "tiny_24l"]}, "per": "config", "aggregate": "median", "test": "increasing"},
          {"name": "hc-gain-doubles", "statement": "HC's gain proxy (a log10) roughly doubles from 12 to 24 layers: exponential growth in depth",
           "seed": "13.3 / 6.3 = 2.11", "seed_values": [13.3, 6.3, 2.111],
           "metric": "gain_proxy", "runs": {"variant": "hc", "config": "tiny_24l"}, "aggregate": "median",
           "versus": {"runs": {"variant": "hc", "config": "tiny_12l"}, "as": "ratio"}, "test": "within 15% of 2.111"},
          {"name": "hc-diverges-48", "statement": "HC fails at 48 layers (NaN loss and gain)",
           "seed": "NaN at 48 layers, immediately", "seed_values": [],
           "metric": "loss", "runs": {"variant": "hc", "config": "tiny_48l"}, "aggregate": "count:diverged", "test": "all"},
          {"name": "mhc-bounded", "statement": "mHC trains stably at every depth",
           "seed": "converges at 12, 24 and 48 layers (final loss 0.0005)", "seed_values": [0.0005, 0.0005, 0.0005],
           "metric": "loss", "runs": {"variant": "mhc"}, "per": "config", "aggregate": "count:bounded", "test": "all"},
          {"name": "mhc-no-nan", "statement": "mHC has no NaN/Inf events",
           "seed": "0 NaN/Inf events", "seed_values": [0],
           "metric": "nan_inf_events", "reading": "max", "runs": {"variant": "mhc"}, "per": "config", "aggregate": "mean",
           "min_runs": 1, "test": "<= 0"},
          {"name": "baseline-bounded", "statement": "Baseline converges at every depth",
           "seed": "final loss 0.0008, 0.0011, 0.0016 at 12, 24, 48 layers", "seed_values": [0.0008, 0.0011, 0.0016],
           "metric": "loss", "runs": {"variant": "baseline"}, "per": "config", "aggregate": "count:bounded", "test": "all"},
          {"name": "baseline-loss-grows", "statement": "Baseline's final loss grows with depth",
           "seed": "0.0008 → 0.0011 → 0.0016", "seed_values": [0.0008, 0.0011, 0.0016],
           "metric": "loss", "runs": {"variant": "baseline"}, "per": "config", "aggregate": "median", "test": "increasing"},
          {"name": "mhc-loss-below-baseline", "statement": "mHC ends with a lower loss than baseline at every depth",
           "seed": "0.0005 vs 0.0008, 0.0011, 0.0016", "seed_values": [0.0005, 0.0008, 0.0011, 0.0016],
           "metric": "loss", "runs": {"variant": "mhc"}, "per": "config", "aggregate": "median",
           "versus": {"runs": {"variant": "baseline"}, "as": "difference"}, "test": "<= 0"}
        ]
        """));
}
