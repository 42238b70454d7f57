using System.Text.Json.Nodes;

namespace Dashboard.Domain.Families;

/// <summary>
/// Seed 002: a baseline residual stack against hyper-connections (HC: n parallel residual streams mixed by
/// learned n×n matrices) and manifold-constrained HC (mHC: the mixing matrices projected onto the doubly
/// stochastic ones with Sinkhorn-Knopp), trained on the incrementing-token task. The question is how the
/// composed residual mixing amplifies signals as depth grows (the gain proxy).
/// <para>
/// Two architectures. <c>seed</c> is the model the seed's code ran (spec 002): a pre-norm transformer block that
/// returns x + attn + ff, static S×S mixers with logits 2I − 1 (HC: exp, unnormalised; mHC: Sinkhorn of exp;
/// pre/post: row softmax), learned positions, streams merged by their mean, LayerNorm before the head.
/// <c>mlp</c> is the earlier port: an RMSNorm GELU MLP returning its update only, HC mixing I + noise, mHC logits 0.
/// </para>
/// </summary>
public sealed class ResidualStreamsFamily : ExperimentFamily
{
    public const string FamilyName = "residual-streams";
    public static readonly string[] Variants = ["baseline", "hc", "mhc"];
    private static readonly string[] Mixed = ["hc", "mhc"];   // the baseline has one stream and no mixing
    public static readonly string[] Architectures = ["seed", "mlp"];
    public static readonly string[] NanPolicies = ["stop", "continue"];

    public override string Name => FamilyName;
    public override string Title => "Residual streams: baseline, HC, mHC";
    public override string Description =>
        "Depth stress test of multi-stream residual connections on the incrementing-token task. Reports loss, gradient norm, " +
        "the gain proxy (log10 of the largest entry of the composed residual mixing) and NaN/Inf events; a run whose loss " +
        "becomes NaN or infinite is marked diverged (on_nan: stop ends it there, continue trains on as the seed did).";

    public override IReadOnlyList<ConfigField> Fields { get; } =
    [
        new("variant", ConfigFieldType.Choice, "mhc", "Residual connection: a single stream (baseline), HC, or mHC.", Choices: Variants),
        new("architecture", ConfigFieldType.Choice, "seed",
            "seed: the seed's code (transformer block returning x + attn + ff, static mixers from logits 2I − 1); " +
            "mlp: the earlier port (RMSNorm GELU MLP, HC mixing I + noise).", Choices: Architectures),
        new("depth", ConfigFieldType.Integer, 24, "Number of residual blocks.", Min: 1, Max: 256),
        new("streams", ConfigFieldType.Integer, 4, "Parallel residual streams (HC and mHC).", Min: 1, Max: 16, UsedWithVariants: Mixed),
        new("width", ConfigFieldType.Integer, 64, "Hidden width of each stream (d_model).", Min: 4, Max: 4096),
        new("d_ff", ConfigFieldType.Integer, 0, "seed: feed-forward width (0: 4 × width).", Min: 0, Max: 65536, UsedWithArchitectures: ["seed"]),
        new("heads", ConfigFieldType.Integer, 4, "seed: attention heads (must divide width).", Min: 1, Max: 128, UsedWithArchitectures: ["seed"]),
        new("vocab", ConfigFieldType.Integer, 256, "Tokens of the incrementing-token task.", Min: 2, Max: 65536),
        new("seq_len", ConfigFieldType.Integer, 32, "Sequence length.", Min: 2, Max: 4096),
        new("batch", ConfigFieldType.Integer, 16, "Sequences per step.", Min: 1, Max: 4096),
        new("steps", ConfigFieldType.Integer, 50, "Training steps.", Min: 1, Max: 1_000_000),
        new("learning_rate", ConfigFieldType.Number, 3e-3, "AdamW learning rate.", Min: 0, Max: 10),
        new("weight_decay", ConfigFieldType.Number, 0.0, "AdamW decoupled weight decay (all parameters, as the seed).", Min: 0, Max: 10),
        new("sinkhorn_iterations", ConfigFieldType.Integer, 20, "Sinkhorn-Knopp iterations per mixing matrix (mHC).", Min: 1, Max: 1000, UsedWithVariants: ["mhc"]),
        new("hc_init_noise", ConfigFieldType.Number, 0.3, "mlp: std of the noise added to HC's identity mixing at init.", Min: 0, Max: 10, UsedWithVariants: ["hc"], UsedWithArchitectures: ["mlp"]),
        new("on_nan", ConfigFieldType.Choice, "stop",
            "A NaN or infinite loss is recorded at its step; stop: the run ends there as diverged; continue: it trains on (as the seed did).",
            Choices: NanPolicies),
        new("precision", ConfigFieldType.Choice, "float32", "On CUDA: float32, float32 with TensorFloat-32 matmuls (tf32: faster, 10-bit products, off in PyTorch by default), or bfloat16 autocast; CPU runs use float32.",
            Choices: ["float32", "tf32", "bfloat16"]),
        new("cuda_graph", ConfigFieldType.Boolean, true,
            "On CUDA, capture the whole training step in a CUDA graph and replay it (eager if capture fails; the graphed step passed its GPU check on an H100, 2026-12-07)."),
        new("checkpoint_every", ConfigFieldType.Integer, 25, "Save a checkpoint every N steps (0: never); a requeued run resumes from it.", Min: 0),
        new("seed", ConfigFieldType.Integer, 0, "Seed for weights and data."),
    ];

    /// <summary>The seed's tiny_{12,24,48}l.yaml (spec 002, "Configs"); the 48-layer one halves the batch.</summary>
    private static JsonObject SeedDepthSweep() => new()
    {
        ["architecture"] = "seed", ["width"] = 256, ["d_ff"] = 1024, ["heads"] = 4, ["vocab"] = 256, ["seq_len"] = 128,
        ["batch"] = 32, ["learning_rate"] = 2e-3, ["weight_decay"] = 0.0, ["streams"] = 4, ["sinkhorn_iterations"] = 20,
        ["steps"] = 200, ["seed"] = 0, ["on_nan"] = "continue", ["checkpoint_every"] = 100,
    };

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("demo", "Seed demo (demo_mhc.yaml): 24-layer mHC, d_model 128, 50 steps",
            new JsonObject
            {
                ["architecture"] = "seed", ["variant"] = "mhc", ["depth"] = 24, ["width"] = 128, ["d_ff"] = 512, ["heads"] = 4,
                ["vocab"] = 256, ["seq_len"] = 64, ["batch"] = 32, ["learning_rate"] = 1e-3, ["weight_decay"] = 0.01,
                ["streams"] = 4, ["sinkhorn_iterations"] = 20, ["steps"] = 50, ["seed"] = 42, ["on_nan"] = "continue",
            }),
        new("depth-sweep", "Seed depth sweep: 12/24/48 layers (tiny_12l/24l/48l) × baseline/HC/mHC, d_model 256, 200 steps",
            SeedDepthSweep(),
            new JsonObject
            {
                ["configs"] = new JsonObject
                {
                    ["tiny_12l"] = new JsonObject { ["depth"] = 12 },
                    ["tiny_24l"] = new JsonObject { ["depth"] = 24 },
                    ["tiny_48l"] = new JsonObject { ["depth"] = 48, ["batch"] = 16 },
                },
                ["axes"] = new JsonObject { ["variant"] = new JsonArray("baseline", "hc", "mhc") },
            }) { Claims = ResidualStreamsSeedClaims.DepthSweep },
        new("tiny", "Tiny (mlp architecture): 4 layers, width 16, 20 steps (seconds on a CPU)",
            new JsonObject
            {
                ["architecture"] = "mlp", ["depth"] = 4, ["width"] = 16, ["vocab"] = 32, ["seq_len"] = 8, ["batch"] = 4, ["steps"] = 20,
                ["checkpoint_every"] = 10,
            }),
        new("tiny-seed", "Tiny (seed architecture): 4 layers, width 16, 2 heads, 20 steps (seconds on a CPU)",
            new JsonObject
            {
                ["architecture"] = "seed", ["depth"] = 4, ["width"] = 16, ["heads"] = 2, ["vocab"] = 32, ["seq_len"] = 8, ["batch"] = 4,
                ["steps"] = 20, ["checkpoint_every"] = 10,
            }),
    ];

    protected override IEnumerable<ValidationError> CrossFieldProblems(JsonObject config, string prefix)
    {
        if (ConfigValue.Text(config["architecture"]) == "seed"
            && ConfigValue.Integer(config["width"]) is { } width && ConfigValue.Integer(config["heads"]) is { } heads && width % heads != 0)
            yield return new($"{prefix}.heads", $"must divide width ({width}); {heads} does not.");
    }

    /// <summary>A NaN or infinite loss ends the run as diverged; a finite last loss is bounded.</summary>
    public override DivergenceRule? Divergence { get; } = new(Metrics.MetricKey.Loss);

    public override long? TotalSteps(JsonObject config) =>
        ConfigValue.Integer(config["steps"]);
}
