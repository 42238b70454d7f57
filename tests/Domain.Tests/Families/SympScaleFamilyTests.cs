using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;
using Dashboard.Domain.Families.SympScale;

namespace Dashboard.Domain.Tests.Families;

public sealed class SympScaleFamilyTests
{
    private static readonly SympScaleFamily Family = new();

    private static IReadOnlyList<Sweeps.SweepPoint> Expand(string preset)
    {
        var submission = ExperimentRequest.Parse(JsonNode.Parse($$"""{"family": "sympscale", "preset": "{{preset}}"}"""),
            FamilyCatalogue.BuiltIn(), DateTimeOffset.UtcNow, new TimeOnly(22, 0), TimeZoneInfo.Utc);
        return submission.Sweep.Expand(submission.Config);
    }

    [Fact]
    public void Defaults_are_valid_and_follow_the_seeds_anchor()
    {
        var config = Family.WithDefaults([]);
        Family.Validate(config).Should().BeEmpty();
        config["system"]!.GetValue<string>().Should().Be("cr3bp");
        config["precision"]!.GetValue<string>().Should().Be("float64");
        Family.TotalSteps(config).Should().Be(40_000);
        SympScaleFamily.BpttWindow(config).Should().Be(8);
    }

    [Fact]
    public void The_reliability_preset_queues_symp_and_gru_on_seeds_1_to_10()
    {
        var runs = Expand("cr3bp-reliability");
        runs.Should().HaveCount(20);
        runs.Select(r => r.Config["model"]!.GetValue<string>()).Distinct().Should().BeEquivalentTo(["symp", "gru"]);
        runs.Select(r => ConfigValue.Integer(r.Config["seed"])).Distinct().Should().BeEquivalentTo(Enumerable.Range(1, 10).Select(i => (long?)i));
    }

    [Theory]
    [InlineData("dimension-scaling", 100)]
    [InlineData("bptt-window", 40)]
    [InlineData("bptt-memory", 5)]
    [InlineData("tiny", 1)]
    public void Every_preset_expands_to_valid_runs_whose_counts_match(string preset, int count)
    {
        var runs = Expand(preset);
        runs.Should().HaveCount(count);
        foreach (var run in runs)
        {
            var config = Family.WithDefaults(run.Config);
            Family.Validate(config).Should().BeEmpty();
            var match = SympScaleCapacity.Match(ConfigValue.Integer(config["dim"])!.Value, 2, ConfigValue.Integer(config["width"])!.Value);
            match.Should().NotBeNull();
            Math.Abs(match!.Ratio - 1).Should().BeLessThan(1e-3);
        }
    }

    [Fact]
    public void The_seeds_counts_are_exact_at_D4()
    {
        SympScaleCapacity.Hamiltonian(4, 2, 110).Should().Be(25_525);
        SympScaleCapacity.Gru(4, 2, 64).Should().Be(25_540);
        SympScaleCapacity.Match(4, 2, 110)!.GruWidth.Should().Be(64);
    }

    [Theory]
    [InlineData("""{"system": "fput-beta", "dim": 15}""", "config.dim", "even")]
    [InlineData("""{"dim": 8}""", "config.dim", "CR3BP")]
    [InlineData("""{"system": "kepler"}""", "config.system", "")]
    [InlineData("""{"bptt_window": "2000"}""", "config.bptt_window", "longer than the rollout")]
    [InlineData("""{"bptt_window": "some"}""", "config.bptt_window", "'full'")]
    [InlineData("""{"tau": 0}""", "config.tau", "positive")]
    [InlineData("""{"tau": -5}""", "config.tau", "")]
    [InlineData("""{"precision": "float32"}""", "config.precision", "float64")]
    [InlineData("""{"train_trajectories": 50}""", "config.train_trajectories", "")]
    [InlineData("""{"width": 30}""", "config.width", "0.1 %")]
    public void Bad_configs_name_the_field(string json, string field, string message)
    {
        var errors = Family.Validate(Family.WithDefaults((JsonObject)JsonNode.Parse(json)!));
        errors.Should().Contain(e => e.Field == field && e.Message.Contains(message));
    }

    [Fact]
    public void Float32_is_allowed_without_a_conservation_study()
    {
        Family.Validate(Family.WithDefaults(new JsonObject { ["precision"] = "float32", ["projection"] = "none" })).Should().BeEmpty();
    }

    [Fact]
    public void A_bad_config_is_refused_when_queued_with_the_field_named()
    {
        var act = () => ExperimentRequest.Parse(JsonNode.Parse("""{"family": "sympscale", "config": {"system": "fput-beta", "dim": 7}}"""),
            FamilyCatalogue.BuiltIn(), DateTimeOffset.UtcNow, new TimeOnly(22, 0), TimeZoneInfo.Utc);
        act.Should().Throw<InvalidInputException>().Where(e => e.Errors.Any(x => x.Field.EndsWith("config.dim")));
    }
}
