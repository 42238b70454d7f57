using System.Text.Json.Nodes;

namespace Dashboard.Domain.Families;

/// <summary>
/// Seed 000: HHmL quality-guided vortex learning. A 4-layer LSTM controller steers wave fields on S tokamak-shaped
/// Möbius strips (periodic cubic-spline centrelines, Miller D-shape cross-sections, a half twist) and is rewarded by
/// a six-term quality-guided reward (maximum 1,650) over vortex density, per-vortex quality and annihilations.
/// Two modes: <c>as-run</c> is the seed's code path (its field starts at zero and the evolved field is discarded, so
/// every cycle scores density 1, quality 1 and reward 1450 + min(200, 20(n − 1))); <c>intended</c> writes the sparse
/// wave-propagation update back from a non-zero field and uses every head output. Both compute every metric from
/// the state.
/// </summary>
public sealed class HhmlFamily : ExperimentFamily
{
    public const string FamilyName = "hhml";
    public const string AsRun = "as-run";
    public const string Intended = "intended";
    public static readonly string[] Modes = [AsRun, Intended];

    /// <summary>The seed's run limit (`--max-time 1800`), the presets' default per-run time limit.</summary>
    public const int SeedTimeLimitSeconds = 1800;

    public override string Name => FamilyName;
    public override string Title => "HHmL: quality-guided vortex learning (LSTM controller on Möbius strips)";
    public override string Description =>
        "A 4-layer LSTM steers wave fields on tokamak-shaped Möbius strips and is rewarded for vortex density, vortex quality " +
        "(neighbourhood, core depth, stability) and zero annihilations (maximum reward 1,650). Mode as-run is the seed's code " +
        "(field zero and never updated); intended writes the wave-propagation update back. Reports the reward term by term, " +
        "density, quality, removals, cycles at target, seconds per cycle and peak GPU memory per cycle.";

    public override string PrimaryMetric => "reward";
    public override bool HigherIsBetter => true;

    public override IReadOnlyList<ConfigField> Fields { get; } =
    [
        new("mode", ConfigFieldType.Choice, AsRun,
            "as-run: the seed's code path (evolved field discarded, field stays zero); intended: the update is written back from a non-zero field.",
            Choices: Modes),
        new("strips", ConfigFieldType.Integer, 2, "Möbius strips S.", Min: 1, Max: 64),
        new("nodes_per_strip", ConfigFieldType.Integer, 2000, "Nodes along each strip n (N = S·n).", Min: 2, Max: 100_000),
        new("hidden", ConfigFieldType.Integer, 512, "LSTM hidden size H (the seed: 512 baseline, 6,144 scaled).", Min: 1, Max: 32_768),
        new("layers", ConfigFieldType.Integer, 4, "LSTM layers.", Min: 1, Max: 16),
        new("samples_per_strip", ConfigFieldType.Integer, 64, "Nodes sampled per strip for the state (|ψ| and arg ψ each; zero-padded past n): LSTM input S·2·samples.",
            Min: 1, Max: 4096),
        new("cycles", ConfigFieldType.Integer, 60, "Training cycles.", Min: 1, Max: 1_000_000),
        new("neighbour_radius", ConfigFieldType.Number, null,
            "Neighbour-graph radius; omitted: the seed's rule (0.8 below 5,000 nodes, else 0.6).", Min: 0, Max: 100),
        new("max_neighbours", ConfigFieldType.Integer, null,
            "Neighbour cap per node (kept by helical weight); omitted: the seed's rule (min(1000, N/2) below 5,000 nodes, else min(2000, ⌊20√N⌋)).",
            Min: 1, Max: 1_000_000),
        new("quality_radius", ConfigFieldType.Number, 0.5, "Euclidean neighbourhood radius of the per-vortex quality.", Min: 0, Max: 100),
        new("vortex_threshold", ConfigFieldType.Number, 0.3, "A node is a vortex where |ψ| is below this (the reward's threshold).", Min: 0, Max: 100),
        new("kappa", ConfigFieldType.Number, 1.5, "Cross-section elongation κ (Miller D-shape).", Min: 0, Max: 10),
        new("delta", ConfigFieldType.Number, 0.3, "Cross-section triangularity δ (Miller D-shape).", Min: -1, Max: 1),
        new("minor_radius", ConfigFieldType.Number, 0.06, "Cross-section minor radius.", Min: 0, Max: 1),
        new("initial_amplitude", ConfigFieldType.Number, 1.0, "intended: initial field ψ = a·e^{iφ} (as-run starts at zero, as the seed).",
            Min: 0, Max: 100),
        new("learning_rate", ConfigFieldType.Number, 1e-4, "Adam learning rate.", Min: 0, Max: 10),
        new("grad_clip", ConfigFieldType.Number, 1.0, "Gradient clipping (global L2 norm).", Min: 0, Max: 1e6),
        new("exploration", ConfigFieldType.Number, 0.05,
            "Exploration noise ε at cycle 0, decaying linearly to 0: each mapped control gets N(0,1)·ε·0.3.", Min: 0, Max: 10),
        new("checkpoint_every", ConfigFieldType.Integer, 10, "Save a checkpoint every N cycles (0: never); a requeued run resumes from it.", Min: 0),
        new("seed", ConfigFieldType.Integer, 0, "Seed for weights, initial phases and sampling."),
    ];

    private static JsonObject Scale(int strips, int hidden, int cycles) => new()
    {
        ["strips"] = strips, ["nodes_per_strip"] = 2000, ["hidden"] = hidden, ["cycles"] = cycles,
    };

    private static JsonObject BothModes() => new() { ["axes"] = new JsonObject { ["mode"] = new JsonArray(AsRun, Intended) } };

    public override IReadOnlyList<Preset> Presets { get; } =
    [
        new("baseline", "Seed baseline: 2 strips × 2,000 nodes, H = 512 (10,333,112 parameters), 60 cycles, as-run and intended",
            Scale(2, 512, 60), BothModes(), SeedTimeLimitSeconds) { Claims = HhmlSeedClaims.PerMode },
        new("h200-scaled", "Seed scaled run: 10 strips × 2,000 nodes, H = 6,144 (1,214,808,120 parameters), 60 cycles, as-run and intended (GPU, ~25 GB)",
            Scale(10, 6144, 60), BothModes(), SeedTimeLimitSeconds) { Claims = HhmlSeedClaims.PerMode },
        new("scale-comparison", "The write-up's scale comparison: baseline and h200-scaled, each as-run and intended (4 runs; the scaled ones need a GPU)",
            Scale(2, 512, 60),
            new JsonObject
            {
                ["configs"] = new JsonObject
                {
                    ["baseline"] = new JsonObject { ["strips"] = 2, ["hidden"] = 512 },
                    ["h200-scaled"] = new JsonObject { ["strips"] = 10, ["hidden"] = 6144 },
                },
                ["axes"] = new JsonObject { ["mode"] = new JsonArray(AsRun, Intended) },
            },
            SeedTimeLimitSeconds) { Claims = HhmlSeedClaims.PerMode },
        new("tiny", "Tiny: 2 strips × 40 nodes, H = 16, 15 cycles (seconds on a CPU)",
            new JsonObject
            {
                ["strips"] = 2, ["nodes_per_strip"] = 40, ["hidden"] = 16, ["samples_per_strip"] = 16, ["cycles"] = 15,
                ["checkpoint_every"] = 5,
            },
            BothModes(), SeedTimeLimitSeconds),
    ];

    protected override IEnumerable<ValidationError> CrossFieldProblems(JsonObject config, string prefix)
    {
        foreach (var name in new[] { "neighbour_radius", "quality_radius" })
            if (ConfigValue.Number(config[name]) is { } r && r <= 0)
                yield return new($"{prefix}.{name}", $"must be greater than 0, got {r.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
    }

    public override long? TotalSteps(JsonObject config) => ConfigValue.Integer(config["cycles"]);
}
