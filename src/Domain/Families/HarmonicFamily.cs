using System.Text.Json.Nodes;

namespace Dashboard.Domain.Families;

/// <summary>
/// Seed 004, two experiments in one family. <c>variant: field</c>: oscillator "harmonic field" trials on a periodic
/// lattice (Laplacian modes, a damped cubic mode map driven by noise, rotation of modes 0/1, lag-correlation wave
/// detection), the seed's algorithm as run and the author's corrected detector. <c>variant: gpt</c>: a standard
/// nanoGPT against "Harmonic GPT" (wave detector, wave-selective attention, harmonic mixture of experts, mode
/// coupling), byte-level on the Brown corpus.
/// </summary>
public sealed class HarmonicFamily : ExperimentFamily
{
    public const string FamilyName = "harmonic";
    public static readonly string[] Variants = ["field", "gpt"];
    public static readonly string[] Detectors = ["as-run", "corrected"];
    public static readonly string[] Models = ["standard", "harmonic", "harmonic-moe"];
    private static readonly string[] FieldOnly = ["field"], GptOnly = ["gpt"];

    /// <summary>Dense eigh of the N×N Laplacian is O(N³) time and N² memory; past this a sparse Lanczos solver is needed (not built).</summary>
    public const int MaxDenseNodes = 10_000;

    public override string Name => FamilyName;
    public override string Title => "Harmonic field trials and Harmonic GPT";
    public override string Description =>
        "Seed 004. Field trials: batched oscillator trials on lattice Laplacian modes, wave detection rate overall and per " +
        "initial-condition family, rotation mean/sd/CV, wave speed, trials per second (per-trial rows in trials.csv). " +
        "GPT: standard nanoGPT vs Harmonic GPT (wave-selective attention, harmonic MoE, mode coupling) on Brown bytes: " +
        "loss, val/loss, tokens per second, wave ratio, expert load and inference tokens per second.";

    public override string PrimaryMetric => Metrics.MetricKey.ValLoss;

    public override IReadOnlyList<ConfigField> Fields { get; } =
    [
        new("variant", ConfigFieldType.Choice, "field", "field: oscillator trials on a lattice; gpt: language models.", Choices: Variants),
        // field trials
        new("nodes", ConfigFieldType.Integer, 1000,
            $"Field: lattice nodes, rounded down to a square (1000 → 31×31 = 961). Dense eigh holds up to {MaxDenseNodes:N0}; larger lattices need a sparse eigensolver (not built).",
            Min: 4, Max: MaxDenseNodes, UsedWithVariants: FieldOnly),
        new("modes", ConfigFieldType.Integer, 200, "Field: lowest Laplacian modes kept (at most the node count).", Min: 2, Max: MaxDenseNodes, UsedWithVariants: FieldOnly),
        new("timesteps", ConfigFieldType.Integer, 1000, "Field: time steps of the mode dynamics per trial.", Min: 20, Max: 100_000, UsedWithVariants: FieldOnly),
        new("trials", ConfigFieldType.Integer, 100, "Field: trials; the initial-condition family is trial mod 4 (Gaussian, plane wave, spiral, random).", Min: 1, Max: 100_000, UsedWithVariants: FieldOnly),
        new("detector", ConfigFieldType.Choice, "as-run",
            "Field: as-run = the seed's code (four fixed initial conditions, mean early correlation > 0.3); corrected = the author's later fix (randomised initial conditions, early vs late correlation, variance bound).",
            Choices: Detectors, UsedWithVariants: FieldOnly),
        new("trial_batch", ConfigFieldType.Integer, 0, "Field: trials per batch on the device (0: chosen by size, at most 256 MB of mode amplitudes a batch and at least four batches a run).", Min: 0, Max: 100_000, UsedWithVariants: FieldOnly),
        new("activity", ConfigFieldType.Choice, "modes",
            "Field: lag correlations from mode amplitudes (exact, since the modes are orthonormal) or from the T×N spatial activity in chunks, as the seed computed them.",
            Choices: ["modes", "spatial"], UsedWithVariants: FieldOnly),
        // language models
        new("model", ConfigFieldType.Choice, "standard", "GPT: standard nanoGPT, Harmonic GPT, or Harmonic GPT with the harmonic MoE.", Choices: Models, UsedWithVariants: GptOnly),
        new("layers", ConfigFieldType.Integer, 4, "GPT: transformer blocks.", Min: 1, Max: 64, UsedWithVariants: GptOnly),
        new("heads", ConfigFieldType.Integer, 4, "GPT: attention heads (must divide width).", Min: 1, Max: 64, UsedWithVariants: GptOnly),
        new("width", ConfigFieldType.Integer, 256, "GPT: embedding width.", Min: 8, Max: 8192, UsedWithVariants: GptOnly),
        new("context", ConfigFieldType.Integer, 256, "GPT: tokens (bytes) per sequence.", Min: 2, Max: 8192, UsedWithVariants: GptOnly),
        new("batch", ConfigFieldType.Integer, 64, "GPT: sequences per step.", Min: 1, Max: 4096, UsedWithVariants: GptOnly),
        new("steps", ConfigFieldType.Integer, 5000, "GPT: training steps.", Min: 1, Max: 10_000_000, UsedWithVariants: GptOnly),
        new("learning_rate", ConfigFieldType.Number, 1e-3, "GPT: AdamW peak learning rate (cosine decay to min_lr).", Min: 0, Max: 10, UsedWithVariants: GptOnly),
        new("min_lr", ConfigFieldType.Number, 1e-4, "GPT: learning rate at the end of the cosine decay.", Min: 0, Max: 10, UsedWithVariants: GptOnly),
        new("warmup_steps", ConfigFieldType.Integer, 100, "GPT: linear warm-up steps.", Min: 0, Max: 10_000_000, UsedWithVariants: GptOnly),
        new("weight_decay", ConfigFieldType.Number, 0.1, "GPT: AdamW weight decay of the matrices.", Min: 0, Max: 10, UsedWithVariants: GptOnly),
        new("beta2", ConfigFieldType.Number, 0.99, "GPT: AdamW β₂.", Min: 0, Max: 1, UsedWithVariants: GptOnly),
        new("grad_clip", ConfigFieldType.Number, 1.0, "GPT: clip the global gradient norm to this (0: no clipping).", Min: 0, Max: 1e6, UsedWithVariants: GptOnly),
        new("dropout", ConfigFieldType.Number, 0.2, "GPT: dropout in training.", Min: 0, Max: 0.9, UsedWithVariants: GptOnly),
        new("wave_fraction", ConfigFieldType.Number, 0.25, "GPT (harmonic): fraction of each sequence's tokens picked as wave tokens (top-k).", Min: 0, Max: 1, UsedWithVariants: GptOnly),
        new("wave_selection", ConfigFieldType.Choice, "topk",
            "GPT (harmonic): topk = the top wave_fraction of each sequence by detector score (the mask then depends on later tokens' scores, a small causality leak); threshold = score > wave_threshold (causal).",
            Choices: ["topk", "threshold"], UsedWithVariants: GptOnly),
        new("wave_threshold", ConfigFieldType.Number, 0.5, "GPT (harmonic, threshold selection): detector score above which a token is a wave token.", Min: 0, Max: 1, UsedWithVariants: GptOnly),
        new("window", ConfigFieldType.Integer, 32, "GPT (harmonic): local tokens attend to the previous `window` tokens and themselves.", Min: 1, Max: 8192, UsedWithVariants: GptOnly),
        new("experts", ConfigFieldType.Integer, 4, "GPT (harmonic-moe): experts per block; expert 0 is the default expert of local tokens.", Min: 1, Max: 64, UsedWithVariants: GptOnly),
        new("val_every", ConfigFieldType.Integer, 250, "GPT: report val/loss every N steps (and after the last).", Min: 1, UsedWithVariants: GptOnly),
        new("val_batches", ConfigFieldType.Integer, 50, "GPT: validation batches per evaluation (fixed windows of the held-out documents).", Min: 1, Max: 10_000, UsedWithVariants: GptOnly),
        new("benchmark_iterations", ConfigFieldType.Integer, 20,
            "GPT: timed forward passes of the inference benchmark at the seed's shape (batch 4 × 256) after the run (0: skip); " +
            "on CUDA replayed from a CUDA graph where the model allows (not the mixture of experts); the summary's inference_path says which.", Min: 0, Max: 10_000, UsedWithVariants: GptOnly),
        new("precision", ConfigFieldType.Choice, "float32", "GPT on CUDA: float32, float32 with TensorFloat-32 matmuls (tf32: faster, 10-bit products, off in PyTorch by default), or bfloat16 autocast; CPU runs use float32.",
            Choices: ["float32", "tf32", "bfloat16"], UsedWithVariants: GptOnly),
        new("cuda_graph", ConfigFieldType.Boolean, true,
            "GPT: on CUDA, capture the whole training step in a CUDA graph and replay it (eager if capture fails, as harmonic-moe's does: it reads expert counts on the host; the graphed step passed its GPU check on an H100, 2026-12-07).", UsedWithVariants: GptOnly),
        new("checkpoint_every", ConfigFieldType.Integer, 500, "GPT: save a checkpoint every N steps (0: never); a requeued run resumes from it.", Min: 0, UsedWithVariants: GptOnly),
        new("seed", ConfigFieldType.Integer, 0, "Seed for initial conditions and noise (field), weights and batches (gpt)."),
    ];

    /// <summary>The seed's four field configs (spec §1), by name.</summary>
    public static readonly IReadOnlyList<(string Name, int Nodes, int Modes, int Timesteps, int Trials)> FieldConfigs =
    [
        ("small", 1000, 200, 1000, 100),
        ("medium", 2500, 500, 2000, 500),
        ("large", 5000, 800, 5000, 200),
        ("xlarge", 10000, 1000, 10000, 100),
    ];

    private static JsonObject FieldConfig(string name)
    {
        var c = FieldConfigs.Single(f => f.Name == name);
        return new JsonObject { ["variant"] = "field", ["nodes"] = c.Nodes, ["modes"] = c.Modes, ["timesteps"] = c.Timesteps, ["trials"] = c.Trials };
    }

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("seed-configs", "Seed field trials: small / medium / large × as-run and corrected detector",
            new JsonObject { ["variant"] = "field" },
            new JsonObject
            {
                ["configs"] = new JsonObject(FieldConfigs.Take(3).Select(c => KeyValuePair.Create(c.Name, (JsonNode?)FieldConfig(c.Name)))),
                ["axes"] = new JsonObject { ["detector"] = new JsonArray("as-run", "corrected") },
            }) { Claims = HarmonicSeedClaims.SeedConfigs },
        new("network-scaling", "Field scaling: nodes 1,000 → 10,000 × timesteps 1,000 / 2,000 / 5,000 (rotation ∝ T or ∝ N^1.5?)",
            new JsonObject { ["variant"] = "field", ["modes"] = 200, ["trials"] = 100 },
            new JsonObject
            {
                ["axes"] = new JsonObject
                {
                    ["nodes"] = new JsonArray(1000, 2500, 4900, 10000),
                    ["timesteps"] = new JsonArray(1000, 2000, 5000),
                },
            }),
        new("small", "Seed config small: 31×31 lattice, 200 modes, 1,000 steps, 100 trials", FieldConfig("small")),
        new("medium", "Seed config medium: 50×50 lattice, 500 modes, 2,000 steps, 500 trials", FieldConfig("medium")),
        new("large", "Seed config large: 70×70 lattice, 800 modes, 5,000 steps, 200 trials", FieldConfig("large")),
        new("xlarge", "Seed config xlarge: 100×100 lattice, 1,000 modes, 10,000 steps, 100 trials", FieldConfig("xlarge")),
        new("harmonic-vs-gpt", "Seed comparison: standard GPT, Harmonic GPT, Harmonic GPT + MoE × 3 seeds (4 × 256, same data order)",
            new JsonObject { ["variant"] = "gpt" },
            new JsonObject
            {
                ["axes"] = new JsonObject { ["model"] = new JsonArray("standard", "harmonic", "harmonic-moe") },
                ["seeds"] = JsonNode.Parse("3"),   // parsed: the sweep reader takes JSON numbers, not CLR ints
            }) { Claims = HarmonicSeedClaims.HarmonicVsGpt },
        new("tiny", "Tiny: the three language models at 2 layers × 32, 20 steps (seconds on a CPU)",
            new JsonObject
            {
                ["variant"] = "gpt", ["layers"] = 2, ["heads"] = 2, ["width"] = 32, ["context"] = 48, ["batch"] = 4, ["steps"] = 20,
                ["warmup_steps"] = 2, ["window"] = 8, ["val_every"] = 10, ["val_batches"] = 2, ["dropout"] = 0.0,
                ["benchmark_iterations"] = 2, ["checkpoint_every"] = 10, ["learning_rate"] = 3e-3,
            },
            new JsonObject { ["axes"] = new JsonObject { ["model"] = new JsonArray("standard", "harmonic", "harmonic-moe") } }),
        new("tiny-field", "Tiny field: 16×16 lattice, 40 modes, 200 steps, 16 trials (seconds on a CPU)",
            new JsonObject { ["variant"] = "field", ["nodes"] = 256, ["modes"] = 40, ["timesteps"] = 200, ["trials"] = 16 }),
    ];

    protected override IEnumerable<ValidationError> CrossFieldProblems(JsonObject config, string prefix)
    {
        if (ConfigValue.Text(config["variant"]) == "field")
        {
            var nodes = ConfigValue.Integer(config["nodes"]) ?? 0;
            var side = (long)Math.Floor(Math.Sqrt(nodes));
            var modes = ConfigValue.Integer(config["modes"]) ?? 0;
            if (modes > side * side)
                yield return new($"{prefix}.modes", $"must be at most the lattice's node count ({side}×{side} = {side * side}); {modes} asked for.");
            yield break;
        }
        if (ConfigValue.Number(config["wave_fraction"]) is { } fraction && fraction <= 0)
            yield return new($"{prefix}.wave_fraction", "must be in (0, 1]: at least some tokens must be wave tokens.");
        var width = ConfigValue.Integer(config["width"]);
        var heads = ConfigValue.Integer(config["heads"]);
        if (width is { } w && heads is { } h && w % h != 0)
            yield return new($"{prefix}.heads", $"must divide width ({w}); {h} does not.");
        if (ConfigValue.Integer(config["context"]) is { } context && context < 2)
            yield return new($"{prefix}.context", "must be at least 2.");
    }

    /// <summary>A NaN or infinite training loss ends a language-model run as diverged (field trials record NaN per trial instead).</summary>
    public override DivergenceRule? Divergence { get; } = new(Metrics.MetricKey.Loss);

    public override long? TotalSteps(JsonObject config) =>
        ConfigValue.Text(config["variant"]) == "field" ? ConfigValue.Integer(config["trials"]) : ConfigValue.Integer(config["steps"]);
}
