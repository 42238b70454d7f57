using System.Text.Json.Nodes;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;
using Dashboard.Domain.Runs;

namespace Dashboard.Domain.Tests.Families;

public sealed class NGptFamilyTests
{
    private static readonly NGptFamily Family = new();

    private static ExperimentSubmission Parse(string json) =>
        ExperimentRequest.Parse(JsonNode.Parse(json), FamilyCatalogue.BuiltIn(), DateTimeOffset.UtcNow, new TimeOnly(22, 0), TimeZoneInfo.Utc);

    [Fact]
    public void Defaults_are_valid_and_follow_the_seed()
    {
        var config = Family.WithDefaults([]);
        Family.Validate(config).Should().BeEmpty();
        ConfigValue.Text(config["variant"]).Should().Be("ngpt");
        (ConfigValue.Integer(config["layers"]), ConfigValue.Integer(config["width"]), ConfigValue.Integer(config["heads"]),
            ConfigValue.Integer(config["context"]), ConfigValue.Integer(config["batch"])).Should().Be((8, 384, 8, 128, 16));
        (ConfigValue.Number(config["lr_weights"]), ConfigValue.Number(config["lr_other"])).Should().Be((1e-3, 3e-4));
        (ConfigValue.Number(config["alpha_init"]), ConfigValue.Number(config["logit_scale"])).Should().Be((0.28, 10.0));
        ConfigValue.Integer(config["projection_every"]).Should().Be(1);
        Family.TotalSteps(config).Should().Be(500);
        Family.PrimaryMetric.Should().Be("val/loss");
        Family.HigherIsBetter.Should().BeFalse();
    }

    [Fact]
    public void The_optimization_sweep_preset_queues_the_seeds_seven_named_configs()
    {
        var submission = Parse("""{"family": "ngpt", "preset": "optimization-sweep"}""");
        var runs = submission.Sweep.Expand(submission.Config);

        runs.Select(r => r.AxisValues["config"]!.GetValue<string>()).Should().Equal(
            "baseline", "lazy_proj_3", "lazy_proj_5", "lazy_proj_10", "scalar_alpha", "lazy_proj_5_scalar", "lazy_proj_10_scalar");
        runs.Select(r => (ConfigValue.Integer(r.Config["projection_every"]), ConfigValue.Text(r.Config["alpha_shape"])))
            .Should().Equal((1L, "vector"), (3L, "vector"), (5L, "vector"), (10L, "vector"), (1L, "scalar"), (5L, "scalar"), (10L, "scalar"));
        runs.Should().OnlyContain(r => Family.Validate(r.Config).Count == 0);
        runs.Should().OnlyContain(r => ConfigValue.Integer(r.Config["steps"]) == 500 && ConfigValue.Integer(r.Config["width"]) == 384
            && ConfigValue.Integer(r.Config["layers"]) == 8 && ConfigValue.Integer(r.Config["vocab"]) == 50257);
    }

    [Fact]
    public void A_preset_sweep_with_seeds_runs_every_named_config_for_every_seed()
    {
        var submission = Parse("""
            {"family": "ngpt", "preset": "tiny", "sweep": {"configs": {"every": {}, "lazy": {"projection_every": 10}}, "seeds": 2}}
            """);
        var runs = submission.Sweep.Expand(submission.Config);
        runs.Select(r => (r.AxisValues["config"]!.GetValue<string>(), r.Seed)).Should().Equal(("every", 0L), ("every", 1L), ("lazy", 0L), ("lazy", 1L));
        runs.Should().OnlyContain(r => ConfigValue.Integer(r.Config["width"]) == 32);
    }

    [Fact]
    public void The_tiny_and_comparison_presets_are_valid()
    {
        var tiny = Parse("""{"family": "ngpt", "preset": "tiny"}""");
        Family.TotalSteps(tiny.Config).Should().Be(30);
        var comparison = Parse("""{"family": "ngpt", "preset": "ngpt-vs-gpt"}""");
        comparison.Sweep.Expand(comparison.Config).Select(r => ConfigValue.Text(r.Config["variant"])).Should().Equal("ngpt", "gpt");
    }

    [Theory]
    [InlineData("""{"variant": "transformer"}""", "config.variant")]
    [InlineData("""{"width": 384, "heads": 5}""", "config.heads")]
    [InlineData("""{"width": 36, "heads": 4}""", "config.heads")]
    [InlineData("""{"vocab": 100}""", "config.vocab")]
    [InlineData("""{"projection_every": 0}""", "config.projection_every")]
    [InlineData("""{"alpha_shape": "matrix"}""", "config.alpha_shape")]
    [InlineData("""{"lr_weights": "fast"}""", "config.lr_weights")]
    [InlineData("""{"cuda_graph": "yes"}""", "config.cuda_graph")]
    [InlineData("""{"fused_kernels": "yes"}""", "config.fused_kernels")]
    [InlineData("""{"depth": 3}""", "config.depth")]
    public void Bad_configs_name_the_field(string json, string field)
    {
        Family.Validate(Family.WithDefaults((JsonObject)JsonNode.Parse(json)!)).Select(e => e.Field).Should().Contain(field);
    }

    [Fact]
    public void A_bad_value_in_a_named_config_is_reported_at_that_config()
    {
        var act = () => Parse("""{"family": "ngpt", "preset": "tiny", "sweep": {"configs": {"ok": {}, "bad": {"heads": 3}}}}""");
        act.Should().Throw<InvalidInputException>().Which.Errors.Select(e => e.Field).Should().Contain("sweep.configs.bad.heads");
    }

    [Fact]
    public void The_sweeps_runs_rank_by_val_loss_against_the_baseline_config_as_the_seeds_table()
    {
        // Seed 001's val losses, given to the runs the preset queues: the ranking is the seed's.
        var seedValLoss = new Dictionary<string, double>
        {
            ["lazy_proj_10_scalar"] = 6.8646, ["lazy_proj_10"] = 6.8817, ["lazy_proj_5_scalar"] = 6.8835, ["scalar_alpha"] = 6.8973,
            ["lazy_proj_5"] = 6.9006, ["lazy_proj_3"] = 6.9348, ["baseline"] = 6.9394,
        };
        var submission = Parse("""{"family": "ngpt", "preset": "optimization-sweep"}""");
        var runs = submission.Sweep.Expand(submission.Config).Select(p => new RunResult(p.Index, p.AxisValues, p.Seed, RunState.Succeeded,
            new Dictionary<string, double> { [Family.PrimaryMetric] = seedValLoss[p.AxisValues["config"]!.GetValue<string>()] })).ToList();

        var configs = SweepAggregation.Aggregate(runs, Family.Divergence);
        var ranking = Ranking.Rank(configs, Family.PrimaryMetric, Family.HigherIsBetter, Ranking.DefaultBaseline(configs));

        ranking.Select(r => r.Aggregate.Config.Label).Should().Equal(
            "config=lazy_proj_10_scalar", "config=lazy_proj_10", "config=lazy_proj_5_scalar", "config=scalar_alpha",
            "config=lazy_proj_5", "config=lazy_proj_3", "config=baseline");
        ranking[^1].IsBaseline.Should().BeTrue();
        ranking[0].Metric("val/loss")!.DeltaPercent.Should().BeApproximately(-1.078, 1e-3, "the seed's 1.08 % better");
    }
}
