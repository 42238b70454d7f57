using System.Text.Json.Nodes;

namespace Dashboard.Domain.Families.SympScale;

/// <summary>
/// Seed 003 (SympScale): a learned separable Hamiltonian H = T(p) + V(q) + Φ(q, a) integrated with Yoshida-4
/// against a capacity-matched GRU (and the RK4 and free-form-ODE ablations), on chaotic conservative systems
/// (CR3BP at 4-D, FPUT and Toda lattices at any even D), in float64. Each run trains one model on one seed and
/// reports its open-loop rollout error, horizon, conservation residual and whether it stayed bounded.
/// </summary>
public sealed class SympScaleFamily : ExperimentFamily
{
    public const string FamilyName = "sympscale";
    public static readonly string[] Models = ["symp", "gru", "rk4", "freeform"];
    public static readonly string[] Systems = ["cr3bp", "fput-beta", "fput-alpha", "toda"];
    public const string Full = "full";

    /// <summary>Metric keys every run reports at each evaluation (and in its summary at the end).</summary>
    public static class Keys
    {
        public const string Last100Mse = "rollout/last100_mse";
        public const string Horizon = "rollout/horizon";
        public const string Residual = "conservation/residual";
        public const string ResidualProjected = "conservation/residual_projected";
        public const string ResidualUnprojected = "conservation/residual_unprojected";
        public const string EnergyDrift = "energy_drift";
        public const string Bounded = "bounded";
    }

    public override string Name => FamilyName;
    public override string Title => "SympScale: symplectic world model vs capacity-matched GRU (float64)";
    public override string Description =>
        "A learned Hamiltonian integrated with Yoshida-4 (symp), the same Hamiltonian with RK4 (rk4), a free-form ODE (freeform) " +
        "and a GRU whose parameter count matches the Hamiltonian's to 0.1 %, trained on k-step rollouts of CR3BP, FPUT or Toda " +
        "trajectories in float64. Each run reports its last-100-step rollout MSE, prediction horizon, conservation residual " +
        "(with and without Newton projection) and whether the rollout stayed bounded (last-100 MSE ≤ τ).";

    public override IReadOnlyList<ConfigField> Fields { get; } =
    [
        new("model", ConfigFieldType.Choice, "symp", "symp: learned H with Yoshida-4; gru: capacity-matched GRU; rk4: the same H with RK4; freeform: MLP vector field with RK4.", Choices: Models),
        new("system", ConfigFieldType.Choice, "cr3bp", "cr3bp: Earth–Moon rotating frame (D = 4); fput-beta / fput-alpha: fixed-end lattice; toda: periodic lattice.", Choices: Systems),
        new("dim", ConfigFieldType.Integer, 4, "Phase dimension D = 2N (even; 4 for CR3BP).", Min: 2, Max: 4096),
        new("trajectories", ConfigFieldType.Integer, 50, "Reference trajectories generated (cached per system, D and data seed).", Min: 2, Max: 10_000),
        new("train_trajectories", ConfigFieldType.Integer, 40, "Trajectories used for training; the rest are the test set.", Min: 1, Max: 10_000),
        new("length", ConfigFieldType.Integer, 1200, "Samples per trajectory.", Min: 3, Max: 1_000_000),
        new("data_dt", ConfigFieldType.Number, 0.01, "Time between samples of the reference trajectories.", Min: 1e-6, Max: 100),
        new("data_seed", ConfigFieldType.Integer, 0, "Seed of the initial conditions; the data are fixed across run seeds.", Min: 0),
        new("energy_per_particle", ConfigFieldType.Number, 1.0, "FPUT/Toda: energy per particle of the random initial conditions (1: chaotic FPUT regime).", Min: 1e-6, Max: 1e6),
        new("fput_alpha", ConfigFieldType.Number, 0.25, "fput-alpha: the cubic coupling α (Fermi–Pasta–Ulam's 0.25).", Min: -100, Max: 100),
        new("fput_beta", ConfigFieldType.Number, 1.0, "fput-beta: the quartic coupling β.", Min: 0, Max: 100),
        new("width", ConfigFieldType.Integer, 110, "Hidden width of the Hamiltonian's MLPs; the GRU's width is chosen to match its parameter count within 0.1 %.", Min: 2, Max: 8192),
        new("action_dim", ConfigFieldType.Integer, 2, "Action inputs of Φ(q, a) and the GRU (fed zeros; 2 is CR3BP's thrust).", Min: 0, Max: 64),
        new("integrator_dt", ConfigFieldType.Number, 1.0, "Step of the learned integrators, in model time (one data step).", Min: 1e-6, Max: 100),
        new("spectral_norm", ConfigFieldType.Boolean, true, "Divide each Hamiltonian layer's weight by its largest singular value (the seed's spectral-normed layers)."),
        new("warmup_fraction", ConfigFieldType.Number, 0.0, "symp: integrate with leapfrog for this fraction of the steps, then Yoshida-4 (the write-up's warm-up; 0: off).", Min: 0, Max: 1),
        new("projection", ConfigFieldType.Choice, "newton", "Project symp/rk4 states onto the conserved quantity's level set after every step (straight-through in training).", Choices: ["newton", "none"]),
        new("projection_iterations", ConfigFieldType.Integer, 5, "Newton projection: at most this many iterations.", Min: 1, Max: 100),
        new("projection_tolerance", ConfigFieldType.Number, 1e-13, "Newton projection: stop when |C − C₀| is below this.", Min: 0, Max: 1),
        new("bptt_window", ConfigFieldType.Text, "8", "Training rollout length k (steps back-propagated through): an integer, or 'full' for the whole rollout."),
        new("rollout", ConfigFieldType.Integer, 1000, "Open-loop evaluation rollout length (and the length of a 'full' BPTT window).", Min: 1, Max: 1_000_000),
        new("metric_window", ConfigFieldType.Integer, 100, "The last N rollout steps averaged into rollout/last100_mse.", Min: 1, Max: 1_000_000),
        new("tau", ConfigFieldType.Number, 100.0, "Divergence threshold τ: a run whose last-100 MSE exceeds it (or is not finite) is divergent.", Min: 0),
        new("horizon_threshold", ConfigFieldType.Number, 1.0, "Prediction horizon: the first step whose normalised MSE exceeds this.", Min: 0),
        new("batch", ConfigFieldType.Integer, 64, "Windows per step (sampled uniformly with replacement).", Min: 1, Max: 1_000_000),
        new("steps", ConfigFieldType.Integer, 40_000, "Training steps.", Min: 1, Max: 10_000_000),
        new("learning_rate", ConfigFieldType.Number, 1e-3, "Adam learning rate.", Min: 0, Max: 10),
        new("grad_clip", ConfigFieldType.Number, 1.0, "Global gradient-norm clip (0: none).", Min: 0),
        new("eval_every", ConfigFieldType.Integer, 5000, "Evaluate (rollouts on the test trajectories) every N steps and after the last.", Min: 1),
        new("precision", ConfigFieldType.Choice, "float64", "float64 (the seed's requirement); float32 only without projection.", Choices: ["float64", "float32"]),
        new("cuda_graph", ConfigFieldType.Boolean, true,
            "On CUDA, capture the whole training step in a CUDA graph and replay it (eager if capture fails, with the reason in the log). The spectral norm's SVD runs before the step, which takes the top singular vectors as inputs. On an H100 (2026-12-07) the graphed step equalled the eager one and the matrix-norm step to 7e-15 for all four models, at 5.7–8.6× the eager steps/s."),
        new("checkpoint_every", ConfigFieldType.Integer, 1000, "Save a checkpoint every N steps (0: never); a requeued run resumes from it.", Min: 0),
        new("seed", ConfigFieldType.Integer, 1, "Seed of the model's initialisation and batch order (the seed's 1–10)."),
    ];

    // Parsed, as a request would be, so the sweep reads them like any submitted seeds.
    private static JsonArray Seeds(int count) => JsonNode.Parse($"[{string.Join(",", Enumerable.Range(1, count))}]")!.AsArray();

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("cr3bp-reliability", "Seed's locked 4-D result: CR3BP, symp vs capacity-matched GRU (25,525 vs 25,540) × seeds 1–10, 40,000 steps",
            new JsonObject { ["system"] = "cr3bp", ["dim"] = 4 },
            new JsonObject { ["axes"] = new JsonObject { ["model"] = new JsonArray("symp", "gru") }, ["seeds"] = Seeds(10) })
            { Claims = SympScaleSeedClaims.Cr3bpReliability },
        // Sized from the H200 run (docs/benchmarks.md): symp ~9 steps/s, gru ~100, an evaluation ~10 s. The D ≤ 64 part
        // (60 runs) at 6,000 steps is ~30 × 11 min + 30 × 1 min + evaluations ≈ 6.5 h: one night on one GPU.
        new("dimension-scaling", "Reliability vs dimension: β-FPUT D ∈ {4, 16, 64, 256, 1024} × symp/gru × seeds 1–10, 6,000 steps (D ≤ 64: one night on one GPU)",
            new JsonObject { ["system"] = "fput-beta", ["steps"] = 6_000, ["eval_every"] = 2000 },
            new JsonObject
            {
                ["axes"] = new JsonObject { ["dim"] = new JsonArray(4, 16, 64, 256, 1024), ["model"] = new JsonArray("symp", "gru") },
                ["seeds"] = Seeds(10),
            }),
        new("bptt-window", "BPTT ablation: β-FPUT D = 64, k ∈ {4, 32, 256, full} × symp/gru × seeds 1–5, 2,000 steps",
            new JsonObject { ["system"] = "fput-beta", ["dim"] = 64, ["steps"] = 2000, ["eval_every"] = 500, ["batch"] = 32 },
            new JsonObject
            {
                ["axes"] = new JsonObject { ["bptt_window"] = new JsonArray("4", "32", "256", Full), ["model"] = new JsonArray("symp", "gru") },
                ["seeds"] = Seeds(5),
            }),
        new("bptt-memory", "Seed's memory table: full-horizon BPTT, T = 1000, D = 256, width 512, B ∈ {256, 384, 512, 768, 1024}, 3 steps",
            new JsonObject
            {
                ["system"] = "fput-beta", ["dim"] = 256, ["width"] = 512, ["bptt_window"] = Full, ["rollout"] = 1000,
                ["steps"] = 3, ["eval_every"] = 3, ["checkpoint_every"] = 0, ["projection"] = "none",
            },
            new JsonObject { ["axes"] = new JsonObject { ["batch"] = new JsonArray(256, 384, 512, 768, 1024) } }),
        new("tiny", "Tiny: CR3BP, width 8 (GRU width 5, 229 parameters each), 6 short trajectories, 40 steps (seconds on a CPU)",
            new JsonObject
            {
                ["width"] = 8, ["trajectories"] = 6, ["train_trajectories"] = 4, ["length"] = 80, ["rollout"] = 60, ["metric_window"] = 10,
                ["bptt_window"] = "4", ["batch"] = 8, ["steps"] = 40, ["eval_every"] = 20, ["checkpoint_every"] = 10, ["learning_rate"] = 3e-3,
            }),
    ];

    /// <summary>Lower last-100 rollout MSE is better; a non-finite one or one above τ is divergent.</summary>
    public override string PrimaryMetric => Keys.Last100Mse;

    /// <summary>The seed's default τ = 100; a run's own τ is in its config and its "bounded" metric.</summary>
    public override DivergenceRule? Divergence { get; } = new(Keys.Last100Mse, Above: 100);

    public override long? TotalSteps(JsonObject config) => ConfigValue.Integer(config["steps"]);

    /// <summary>The BPTT window k as a number of steps ('full' is the rollout length); null when it is not valid.</summary>
    public static long? BpttWindow(JsonObject config)
    {
        var text = ConfigValue.Text(config["bptt_window"]);
        var rollout = ConfigValue.Integer(config["rollout"]) ?? 1000;
        if (text == Full) return rollout;
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var k) && k >= 1 ? k : null;
    }

    protected override IEnumerable<ValidationError> CrossFieldProblems(JsonObject config, string prefix)
    {
        var system = ConfigValue.Text(config["system"]);
        var dim = ConfigValue.Integer(config["dim"])!.Value;
        var rollout = ConfigValue.Integer(config["rollout"])!.Value;
        var length = ConfigValue.Integer(config["length"])!.Value;
        if (dim % 2 != 0)
            yield return new($"{prefix}.dim", $"must be even (D = 2N: positions and momenta); {dim} is odd.");
        else if (system == "cr3bp" && dim != 4)
            yield return new($"{prefix}.dim", $"CR3BP is planar: its phase dimension is 4, not {dim}.");
        else if (system == "toda" && dim < 6)
            yield return new($"{prefix}.dim", "the periodic Toda lattice needs at least 3 particles (D ≥ 6).");
        if (ConfigValue.Integer(config["train_trajectories"]) >= ConfigValue.Integer(config["trajectories"]))
            yield return new($"{prefix}.train_trajectories", "must be fewer than trajectories: the rest are the test set.");
        if (rollout >= length)
            yield return new($"{prefix}.rollout", $"must be shorter than a trajectory ({length} samples).");
        if (ConfigValue.Integer(config["metric_window"]) > rollout)
            yield return new($"{prefix}.metric_window", $"must not exceed the rollout ({rollout} steps).");
        var bptt = BpttWindow(config);
        if (bptt is null)
            yield return new($"{prefix}.bptt_window", "must be a positive integer or 'full'.");
        else if (bptt > rollout)
            yield return new($"{prefix}.bptt_window", $"is {bptt} steps, longer than the rollout ({rollout}); use 'full' for the whole rollout.");
        if (ConfigValue.Number(config["tau"]) is { } tau && tau <= 0)
            yield return new($"{prefix}.tau", "the divergence threshold must be positive.");
        if (ConfigValue.Text(config["precision"]) == "float32" && ConfigValue.Text(config["projection"]) != "none")
            yield return new($"{prefix}.precision",
                "float32 cannot resolve a conservation study: the residual the projection drives to ~1e-11 lives at the float64 floor. " +
                "Use float64, or set projection to 'none'.");
        var width = ConfigValue.Integer(config["width"])!.Value;
        var actionDim = ConfigValue.Integer(config["action_dim"])!.Value;
        if (dim % 2 == 0 && SympScaleCapacity.Match(dim, actionDim, width) is null)
            yield return new($"{prefix}.width",
                $"no GRU width matches the Hamiltonian's parameter count within 0.1 % at D = {dim} for widths {width} ± 10 %; pick another width.");
    }
}
