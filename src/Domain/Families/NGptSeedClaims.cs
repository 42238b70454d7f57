using System.Text.Json.Nodes;
using Dashboard.Domain.Claims;

namespace Dashboard.Domain.Families;

/// <summary>
/// Seed 001's claims (its "All configurations ranked by validation loss" table and key findings), in the form a
/// user writes for a command experiment. The seed ran each config once, unseeded; its val-loss spread across
/// configs is 1.1 %, so the ranking is checked by rank correlation rather than exact order, and throughput as the
/// ratio best / baseline because hardware differs.
/// </summary>
public static class NGptSeedClaims
{
    private const string Order = "lazy_proj_10_scalar, lazy_proj_10, lazy_proj_5_scalar, scalar_alpha, lazy_proj_5, lazy_proj_3, baseline";

    public static IReadOnlyList<ClaimDefinition> OptimizationSweep { get; } = ClaimJson.Parse(JsonNode.Parse($$"""
        [
          {"name": "best-config", "statement": "Lazy projection every 10 steps with scalar α has the lowest validation loss",
           "seed": "lazy_proj_10_scalar 6.8646, rank 1 of 7", "seed_values": [6.8646],
           "metric": "val/loss", "per": "config", "aggregate": "median", "test": "first: lazy_proj_10_scalar"},
          {"name": "ranking", "statement": "The seven configs rank by validation loss as in the seed's table",
           "seed": "6.8646 < 6.8817 < 6.8835 < 6.8973 < 6.9006 < 6.9348 < 6.9394 ({{Order}})",
           "seed_values": [6.8646, 6.8817, 6.8835, 6.8973, 6.9006, 6.9348, 6.9394],
           "metric": "val/loss", "per": "config", "aggregate": "median", "test": "order: {{Order}} (spearman >= 0.8)"},
          {{Delta("lazy_proj_3", "−0.07 % (6.9348 vs 6.9394)", -0.07)}},
          {{Delta("lazy_proj_5", "−0.56 % (6.9006 vs 6.9394)", -0.56)}},
          {{Delta("lazy_proj_10", "−0.83 % (6.8817 vs 6.9394)", -0.83)}},
          {{Delta("scalar_alpha", "−0.61 % (6.8973 vs 6.9394)", -0.61)}},
          {{Delta("lazy_proj_5_scalar", "−0.81 % (6.8835 vs 6.9394, from the table)", -0.81)}},
          {{Delta("lazy_proj_10_scalar", "−1.08 % (6.8646 vs 6.9394)", -1.08)}},
          {"name": "throughput-gain", "statement": "The best config is faster than baseline by about 20 % (tokens/s, as a ratio since hardware differs)",
           "seed": "52,588 vs 43,724 tokens/s = 1.203× (+20.3 %)", "seed_values": [52588, 43724, 1.2027],
           "metric": "tokens_per_sec", "runs": {"config": "lazy_proj_10_scalar"}, "aggregate": "median",
           "versus": {"runs": {"config": "baseline"}, "as": "ratio"}, "test": "within 10% of 1.2027"}
        ]
        """));

    private static string Delta(string config, string seed, double percent) => $$"""
        {"name": "delta-{{config}}", "statement": "{{config}} has a lower validation loss than baseline",
         "seed": "{{seed}}", "seed_values": [{{percent.ToString(System.Globalization.CultureInfo.InvariantCulture)}}],
         "metric": "val/loss", "runs": {"config": "{{config}}"}, "aggregate": "median",
         "versus": {"runs": {"config": "baseline"}, "as": "percent"}, "test": "<= 0"}
        """;
}
