using System.Text.Json.Nodes;

namespace Dashboard.Domain.Families;

/// <summary>
/// Seed 002: a baseline residual stack against hyper-connections (HC: n parallel residual streams mixed by
/// learned n×n matrices) and manifold-constrained HC (mHC: the mixing matrices projected onto the doubly
/// stochastic ones with Sinkhorn-Knopp), trained on the incrementing-token task. The question is how the
/// composed residual mixing amplifies signals as depth grows (the gain proxy).
/// </summary>
public sealed class ResidualStreamsFamily : ExperimentFamily
{
    public const string FamilyName = "residual-streams";
    public static readonly string[] Variants = ["baseline", "hc", "mhc"];

    public override string Name => FamilyName;
    public override string Title => "Residual streams: baseline, HC, mHC";
    public override string Description =>
        "Depth stress test of multi-stream residual connections on the incrementing-token task. Reports loss, gradient norm, " +
        "the gain proxy (log10 of the largest entry of the composed residual mixing) and NaN/Inf events; a run whose loss " +
        "becomes NaN or infinite is marked diverged.";

    public override IReadOnlyList<ConfigField> Fields { get; } =
    [
        new("variant", ConfigFieldType.Choice, "mhc", "Residual connection: a single stream (baseline), HC, or mHC.", Choices: Variants),
        new("depth", ConfigFieldType.Integer, 24, "Number of residual blocks.", Min: 1, Max: 256),
        new("streams", ConfigFieldType.Integer, 4, "Parallel residual streams (HC and mHC).", Min: 1, Max: 16),
        new("width", ConfigFieldType.Integer, 64, "Hidden width of each stream.", Min: 4, Max: 4096),
        new("vocab", ConfigFieldType.Integer, 256, "Tokens of the incrementing-token task.", Min: 2, Max: 65536),
        new("seq_len", ConfigFieldType.Integer, 32, "Sequence length.", Min: 2, Max: 4096),
        new("batch", ConfigFieldType.Integer, 16, "Sequences per step.", Min: 1, Max: 4096),
        new("steps", ConfigFieldType.Integer, 50, "Training steps.", Min: 1, Max: 1_000_000),
        new("learning_rate", ConfigFieldType.Number, 3e-3, "AdamW learning rate.", Min: 0, Max: 10),
        new("sinkhorn_iterations", ConfigFieldType.Integer, 20, "Sinkhorn-Knopp iterations per mixing matrix (mHC).", Min: 1, Max: 1000),
        new("hc_init_noise", ConfigFieldType.Number, 0.3, "HC: std of the noise added to the identity mixing at init.", Min: 0, Max: 10),
        new("precision", ConfigFieldType.Choice, "float32", "bfloat16 autocast on CUDA; CPU runs use float32.", Choices: ["float32", "bfloat16"]),
        new("checkpoint_every", ConfigFieldType.Integer, 25, "Save a checkpoint every N steps (0: never); a requeued run resumes from it.", Min: 0),
        new("seed", ConfigFieldType.Integer, 0, "Seed for weights and data."),
    ];

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("demo", "Seed demo: 24-layer mHC, 50 steps",
            new JsonObject { ["variant"] = "mhc", ["depth"] = 24, ["steps"] = 50 }),
        new("depth-sweep", "Seed depth sweep: 12/24/48 layers × baseline/HC/mHC, 200 steps",
            new JsonObject { ["steps"] = 200, ["checkpoint_every"] = 100 },
            new JsonObject
            {
                ["axes"] = new JsonObject
                {
                    ["depth"] = new JsonArray(12, 24, 48),
                    ["variant"] = new JsonArray("baseline", "hc", "mhc"),
                },
            }) { Claims = ResidualStreamsSeedClaims.DepthSweep },
        new("tiny", "Tiny: 4 layers, width 16, 20 steps (seconds on a CPU)",
            new JsonObject { ["depth"] = 4, ["width"] = 16, ["vocab"] = 32, ["seq_len"] = 8, ["batch"] = 4, ["steps"] = 20, ["checkpoint_every"] = 10 }),
    ];

    /// <summary>A NaN or infinite loss ends the run as diverged; a finite last loss is bounded.</summary>
    public override DivergenceRule? Divergence { get; } = new(Metrics.MetricKey.Loss);

    public override long? TotalSteps(JsonObject config) =>
        ConfigValue.Integer(config["steps"]);
}
