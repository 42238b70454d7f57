using System.Text.Json.Nodes;

namespace Dashboard.Domain.Families;

/// <summary>
/// Seed 001: the normalized transformer (nGPT: embeddings, hidden states and weight vectors on the unit
/// hypersphere, residual updates h ← norm(h + α(norm(f(h)) − h)) with learned eigen learning rates α, cosine
/// attention with scaled q·k, logits scaled by s_z) against a standard pre-norm GPT, byte-level language
/// modelling on the Brown corpus. The seed's sweep: lazy projection (project the weights back onto the sphere
/// every N steps instead of every step) and scalar instead of per-channel α, ranked by validation loss.
/// <para>
/// Three variants: <c>ngpt</c> (the paper's), <c>gpt</c> (the baseline) and <c>ngpt-seed</c>, the simplified nGPT the
/// seed's code ran (spec 001): Norm(x + α·f(x)) with raw α, plain attention with learned positions, a GELU MLP, embeddings
/// and head normalised in the forward pass, a scalar logit scale, no projection at initialisation, weight decay on both
/// AdamW groups. Tokens are UTF-8 bytes or GPT-2 BPE ids (the seed's vocabulary; the corpus stays the Brown corpus).
/// </para>
/// </summary>
public sealed class NGptFamily : ExperimentFamily
{
    public const string FamilyName = "ngpt";
    public static readonly string[] Variants = ["ngpt", "gpt", "ngpt-seed"];
    private static readonly string[] Normalized = ["ngpt", "ngpt-seed"];   // the GPT baseline has no α, s_z or projection
    public static readonly string[] Tokenizers = ["bytes", "gpt2"];

    /// <summary>GPT-2's BPE vocabulary: 50,000 merges, 256 bytes and &lt;|endoftext|&gt;.</summary>
    public const int Gpt2Vocabulary = 50257;
    public static readonly string[] AlphaShapes = ["vector", "scalar"];

    /// <summary>Bytes index the first 256 tokens; a larger vocabulary only widens the embedding and the head.</summary>
    public const int ByteVocabulary = 256;

    public override string Name => FamilyName;
    public override string Title => "nGPT: normalized transformer vs GPT";
    public override string Description =>
        "Language model on the Brown corpus (UTF-8 bytes or GPT-2 tokens): nGPT (unit-norm embeddings, hidden states and weights; " +
        "eigen learning rates α; cosine attention; scaled logits), the seed's simplified nGPT (ngpt-seed), or a standard pre-norm " +
        "GPT. Reports train loss, val/loss (the ranking " +
        "metric), tokens per second, projections done and the weights' mean distance from unit norm; a run whose loss " +
        "becomes NaN or infinite is marked diverged.";

    public override string PrimaryMetric => Metrics.MetricKey.ValLoss;

    public override IReadOnlyList<ConfigField> Fields { get; } =
    [
        new("variant", ConfigFieldType.Choice, "ngpt",
            "nGPT (the paper's normalized transformer), a standard pre-norm GPT baseline, or ngpt-seed (the seed's simplified nGPT).",
            Choices: Variants),
        new("tokenizer", ConfigFieldType.Choice, "bytes",
            "Tokens: UTF-8 bytes (ids 0–255) or the GPT-2 BPE (vocabulary 50257, as the seed; the corpus is tokenised once and cached).",
            Choices: Tokenizers),
        new("layers", ConfigFieldType.Integer, 8, "Transformer blocks.", Min: 1, Max: 128),
        new("width", ConfigFieldType.Integer, 384, "Embedding width (d_model).", Min: 8, Max: 8192),
        new("heads", ConfigFieldType.Integer, 8, "Attention heads; width / heads must be even for ngpt and gpt (rotary embeddings).", Min: 1, Max: 128),
        new("context", ConfigFieldType.Integer, 128, "Tokens (bytes) per sequence.", Min: 2, Max: 8192),
        new("batch", ConfigFieldType.Integer, 16, "Sequences per step.", Min: 1, Max: 4096),
        new("vocab", ConfigFieldType.Integer, ByteVocabulary,
            "Vocabulary size; bytes use the first 256 tokens, the GPT-2 tokenizer needs at least 50257.", Min: ByteVocabulary, Max: 262_144),
        new("steps", ConfigFieldType.Integer, 500, "Training steps.", Min: 1, Max: 10_000_000),
        new("lr_weights", ConfigFieldType.Number, 1e-3, "AdamW learning rate of the matrices (embeddings, projections, head; ngpt-seed: attention and MLP matrices only).", Min: 0, Max: 10),
        new("lr_other", ConfigFieldType.Number, 3e-4, "AdamW learning rate of the other parameters (α, scales, norms; ngpt-seed: also embeddings and head).", Min: 0, Max: 10),
        new("weight_decay", ConfigFieldType.Number, 0.0, "Decoupled weight decay of the matrices (nGPT uses none; ngpt-seed applies it to both groups, 0.01 in the seed).", Min: 0, Max: 10),
        new("projection_every", ConfigFieldType.Integer, 1,
            "nGPT: project the weight matrices back to unit norm on every step s with s % N = 0 (1: every step, as in the paper; 10: lazy).",
            Min: 1, Max: 1_000_000, UsedWithVariants: Normalized),
        new("alpha_shape", ConfigFieldType.Choice, "vector", "nGPT: eigen learning rates α per channel (vector) or one per block and branch (scalar).",
            Choices: AlphaShapes, UsedWithVariants: Normalized),
        new("alpha_init", ConfigFieldType.Number, 0.28, "nGPT: initial α of the attention and MLP updates.", Min: 0, Max: 10, UsedWithVariants: Normalized),
        new("logit_scale", ConfigFieldType.Number, 10.0, "nGPT: initial s_z, the scale of the cosine logits (ngpt-seed: one learned scalar).", Min: 0, Max: 1000, UsedWithVariants: Normalized),
        new("val_every", ConfigFieldType.Integer, 50, "Report val/loss every N steps (and always after the last step).", Min: 1),
        new("val_batches", ConfigFieldType.Integer, 8, "Validation batches per evaluation (fixed windows of the held-out documents).", Min: 1, Max: 10_000),
        new("precision", ConfigFieldType.Choice, "float32", "On CUDA: float32, float32 with TensorFloat-32 matmuls (tf32: faster, 10-bit products, off in PyTorch by default), or bfloat16 autocast; CPU runs use float32.",
            Choices: ["float32", "tf32", "bfloat16"]),
        new("cuda_graph", ConfigFieldType.Boolean, true, "On CUDA, capture the whole training step in a CUDA graph and replay it (eager if capture fails)."),
        new("fused_kernels", ConfigFieldType.Boolean, true,
            "On CUDA, use the worker's fused kernels where they were compiled in and have passed their GPU check: nGPT's residual update, weight projection, rotary q/k normalisation, scaled SwiGLU, weight-norm deviation and the head with its cross entropy (same results to rounding; off: the composed ATen ops)."),
        new("checkpoint_every", ConfigFieldType.Integer, 100, "Save a checkpoint every N steps (0: never); a requeued run resumes from it.", Min: 0),
        new("seed", ConfigFieldType.Integer, 0, "Seed for weights and batches."),
    ];

    /// <summary>Seed 001's seven configs, by the names its results table uses.</summary>
    public static readonly IReadOnlyList<(string Name, int ProjectionEvery, string AlphaShape)> SeedConfigs =
    [
        ("baseline", 1, "vector"),
        ("lazy_proj_3", 3, "vector"),
        ("lazy_proj_5", 5, "vector"),
        ("lazy_proj_10", 10, "vector"),
        ("scalar_alpha", 1, "scalar"),
        ("lazy_proj_5_scalar", 5, "scalar"),
        ("lazy_proj_10_scalar", 10, "scalar"),
    ];

    private static JsonObject SeedShape(int vocab) => new()
    {
        ["variant"] = "ngpt", ["layers"] = 8, ["width"] = 384, ["heads"] = 8, ["context"] = 128, ["batch"] = 16,
        ["vocab"] = vocab, ["steps"] = 500, ["val_every"] = 50, ["checkpoint_every"] = 100,
    };

    /// <summary>
    /// optimization_sweep.py's fixed settings on train_h100_optimized.py (spec 001): ngpt-seed, GPT-2 tokens, AdamW weight decay
    /// 0.01 on both groups, 20 validation batches (the seed drew 20 at random at the end).
    /// </summary>
    private static JsonObject SeedSweep()
    {
        var config = SeedShape(Gpt2Vocabulary);
        config["variant"] = "ngpt-seed";
        config["tokenizer"] = "gpt2";
        config["weight_decay"] = 0.01;
        config["lr_weights"] = 1e-3;
        config["lr_other"] = 3e-4;
        config["alpha_init"] = 0.28;
        config["logit_scale"] = 10.0;
        config["val_batches"] = 20;
        return config;
    }

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("optimization-sweep",
            "Seed sweep: the seed's simplified nGPT on GPT-2 tokens, 7 configs (lazy projection 1/3/5/10 × vector/scalar α), 8 layers × 384, 500 steps",
            SeedSweep(),
            new JsonObject
            {
                ["configs"] = new JsonObject(SeedConfigs.Select(c => KeyValuePair.Create(c.Name,
                    (JsonNode?)new JsonObject { ["projection_every"] = c.ProjectionEvery, ["alpha_shape"] = c.AlphaShape }))),
            }) { Claims = NGptSeedClaims.OptimizationSweep },
        new("ngpt-vs-gpt", "nGPT against the GPT baseline at the seed's shape (bytes, vocab 256), 500 steps",
            SeedShape(ByteVocabulary),
            new JsonObject { ["axes"] = new JsonObject { ["variant"] = new JsonArray("ngpt", "gpt") } }),
        new("tiny", "Tiny: 2 layers, width 32, context 32, 30 steps (seconds on a CPU)",
            new JsonObject
            {
                ["layers"] = 2, ["width"] = 32, ["heads"] = 2, ["context"] = 32, ["batch"] = 8, ["steps"] = 30,
                ["val_every"] = 10, ["val_batches"] = 2, ["checkpoint_every"] = 10, ["lr_weights"] = 3e-3, ["lr_other"] = 3e-3,
            }),
        new("tiny-seed", "Tiny ngpt-seed on bytes: 2 layers, width 32, context 32, 30 steps (seconds on a CPU)",
            new JsonObject
            {
                ["variant"] = "ngpt-seed", ["layers"] = 2, ["width"] = 32, ["heads"] = 2, ["context"] = 32, ["batch"] = 8, ["steps"] = 30,
                ["val_every"] = 10, ["val_batches"] = 2, ["checkpoint_every"] = 10, ["lr_weights"] = 3e-3, ["lr_other"] = 3e-3,
                ["weight_decay"] = 0.01,
            }),
    ];

    protected override IEnumerable<ValidationError> CrossFieldProblems(JsonObject config, string prefix)
    {
        var width = ConfigValue.Integer(config["width"]);
        var heads = ConfigValue.Integer(config["heads"]);
        var rotary = ConfigValue.Text(config["variant"]) != "ngpt-seed";
        if (ConfigValue.Text(config["tokenizer"]) == "gpt2" && ConfigValue.Integer(config["vocab"]) is < Gpt2Vocabulary and var vocab)
            yield return new($"{prefix}.vocab", $"must be at least {Gpt2Vocabulary} (GPT-2's vocabulary) with the gpt2 tokenizer; {vocab} is too small.");
        if (width is { } w && heads is { } h)
        {
            if (w % h != 0)
                yield return new($"{prefix}.heads", $"must divide width ({w}); {h} does not.");
            else if (rotary && w / h % 2 != 0)
                yield return new($"{prefix}.heads", $"width / heads is the head size ({w / h}), which must be even for rotary embeddings.");
        }
    }

    /// <summary>A NaN or infinite loss ends the run as diverged; a finite last loss is bounded.</summary>
    public override DivergenceRule? Divergence { get; } = new(Metrics.MetricKey.Loss);

    public override long? TotalSteps(JsonObject config) =>
        ConfigValue.Integer(config["steps"]);
}
