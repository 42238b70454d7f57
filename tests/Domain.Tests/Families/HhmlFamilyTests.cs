using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;

namespace Dashboard.Domain.Tests.Families;

public sealed class HhmlFamilyTests
{
    private static readonly HhmlFamily Family = new();

    private static ExperimentSubmission Parse(string json) =>
        ExperimentRequest.Parse(JsonNode.Parse(json), FamilyCatalogue.BuiltIn(), DateTimeOffset.UtcNow, new TimeOnly(22, 0), TimeZoneInfo.Utc);

    private static HhmlScale Scale(int strips, int nodes, int hidden) =>
        new(strips, nodes, hidden, 4, 64, HhmlScale.SeedNeighbourRule((long)strips * nodes).MaxNeighbours);

    [Fact]
    public void Parameter_counts_follow_the_seeds_formula_and_match_its_figures()
    {
        Scale(2, 2000, 512).Parameters.Should().Be(10_333_112, "the baseline's 10.3M");
        Scale(10, 2000, 6144).Parameters.Should().Be(1_214_808_120, "the write-up's exact count");
        Scale(40, 3500, 6144).Parameters.Should().Be(2_046_579_960, "the script's defaults, which the spec recomputed");
        // The loss reaches only the LSTM and the value head.
        var scaled = Scale(10, 2000, 6144);
        scaled.TrainedParameters.Should().Be(scaled.LstmParameters + 6145);
        scaled.Parameters.Should().Be(scaled.TrainedParameters + 10L * (6144 * 2000 + 2000) + (6144 * 512 + 512 + 512 * 256 + 256 + 256 * 23 + 23));
    }

    [Fact]
    public void The_seeds_neighbour_rule_switches_at_5000_nodes()
    {
        HhmlScale.SeedNeighbourRule(4000).Should().Be((0.8, 1000));
        HhmlScale.SeedNeighbourRule(80).Should().Be((0.8, 40));
        HhmlScale.SeedNeighbourRule(20_000).Should().Be((0.6, 2000));
        HhmlScale.SeedNeighbourRule(5000).Should().Be((0.6, 1414));
    }

    [Fact]
    public void The_scaled_run_is_estimated_to_fit_an_80_GB_card_and_needs_more_than_the_seeds_formula()
    {
        var estimate = Scale(10, 2000, 6144).Memory();
        estimate.Weights.Should().Be(1_214_808_120L * 4);
        estimate.Total.Should().BeGreaterThan(19_400_000_000L, "weights, gradients and Adam state alone are the seed's 19.4 GB figure's order");
        estimate.Total.Should().BeLessThan(70L << 30, "it must fit an H100's 80 GB with room to spare");
        Scale(2, 2000, 512).Memory().Total.Should().BeLessThan(2L << 30);
        estimate.ToString().Should().Contain("weights 4.9 GB");
    }

    [Fact]
    public void Defaults_are_valid_and_the_reward_is_the_ranking_metric()
    {
        var config = Family.WithDefaults([]);
        Family.Validate(config).Should().BeEmpty();
        ConfigValue.Text(config["mode"]).Should().Be("as-run");
        Family.TotalSteps(config).Should().Be(60);
        Family.PrimaryMetric.Should().Be("reward");
        Family.HigherIsBetter.Should().BeTrue();
        FamilyCatalogue.BuiltIn().Get("hhml").Should().BeOfType<HhmlFamily>();
    }

    [Theory]
    [InlineData("baseline", 2, 512)]
    [InlineData("h200-scaled", 10, 6144)]
    public void The_scale_presets_queue_both_modes_with_the_seeds_30_minute_limit(string preset, int strips, int hidden)
    {
        var submission = Parse($$"""{"family": "hhml", "preset": "{{preset}}"}""");
        var runs = submission.Sweep.Expand(submission.Config);
        runs.Select(r => ConfigValue.Text(r.Config["mode"])).Should().Equal("as-run", "intended");
        runs.Should().OnlyContain(r => Family.Validate(r.Config).Count == 0);
        runs.Should().OnlyContain(r => ConfigValue.Integer(r.Config["strips"]) == strips && ConfigValue.Integer(r.Config["hidden"]) == hidden
            && ConfigValue.Integer(r.Config["nodes_per_strip"]) == 2000 && ConfigValue.Integer(r.Config["cycles"]) == 60);
        submission.TimeLimitSeconds.Should().Be(1800);
        Parse($$"""{"family": "hhml", "preset": "{{preset}}", "time_limit_seconds": 60}""").TimeLimitSeconds.Should().Be(60, "a request's own limit wins");
    }

    [Fact]
    public void The_tiny_preset_is_valid()
    {
        var submission = Parse("""{"family": "hhml", "preset": "tiny"}""");
        submission.Sweep.Expand(submission.Config).Should().HaveCount(2).And.OnlyContain(r => Family.Validate(r.Config).Count == 0);
    }

    [Theory]
    [InlineData("strips", "0", "at least 1")]
    [InlineData("neighbour_radius", "0", "greater than 0")]
    [InlineData("neighbour_radius", "-0.5", "at least 0")]
    [InlineData("quality_radius", "0", "greater than 0")]
    [InlineData("hidden", "0", "at least 1")]
    [InlineData("cycles", "0", "at least 1")]
    [InlineData("mode", "\"dream\"", "as-run")]
    public void Bad_configs_are_refused_naming_the_field(string field, string value, string message)
    {
        var act = () => Parse($$$"""{"family": "hhml", "config": {"{{{field}}}": {{{value}}}}}""");
        act.Should().Throw<InvalidInputException>().Which.Errors.Should().ContainSingle()
            .Which.Should().Match<ValidationError>(e => e.Field == $"config.{field}" && e.Message.Contains(message));
    }

    [Fact]
    public void The_scale_comparison_preset_runs_both_scales_in_both_modes()
    {
        var submission = Parse("""{"family": "hhml", "preset": "scale-comparison"}""");
        var runs = submission.Sweep.Expand(submission.Config);
        runs.Select(r => (r.AxisValues["config"]!.GetValue<string>(), ConfigValue.Text(r.Config["mode"]), ConfigValue.Integer(r.Config["hidden"])))
            .Should().BeEquivalentTo(new[]
            {
                ("baseline", "as-run", 512L), ("baseline", "intended", 512L), ("h200-scaled", "as-run", 6144L), ("h200-scaled", "intended", 6144L),
            });
        runs.Should().OnlyContain(r => Family.Validate(r.Config).Count == 0);
    }
}
