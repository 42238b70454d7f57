using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;

namespace Dashboard.Domain.Tests.Families;

public sealed class ResidualStreamsFamilyTests
{
    private static readonly ResidualStreamsFamily Family = new();

    [Fact]
    public void Defaults_are_valid_and_follow_the_seed_demo()
    {
        var config = Family.WithDefaults([]);
        Family.Validate(config).Should().BeEmpty();
        config["variant"]!.GetValue<string>().Should().Be("mhc");
        Family.TotalSteps(config).Should().Be(50);
    }

    [Fact]
    public void The_depth_sweep_preset_queues_nine_valid_runs()
    {
        var submission = ExperimentRequest.Parse(JsonNode.Parse("""{"family": "residual-streams", "preset": "depth-sweep"}"""),
            FamilyCatalogue.BuiltIn(), DateTimeOffset.UtcNow, new TimeOnly(22, 0), TimeZoneInfo.Utc);
        var runs = submission.Sweep.Expand(submission.Config);
        runs.Should().HaveCount(9);
        runs.Select(r => (r.Config["depth"]!.GetValue<int>(), r.Config["variant"]!.GetValue<string>()))
            .Should().Contain([(12, "baseline"), (24, "hc"), (48, "mhc")]);
        runs.Should().OnlyContain(r => ConfigValue.Integer(r.Config["steps"]) == 200);
    }

    [Theory]
    [InlineData("""{"variant": "resnet"}""", "config.variant")]
    [InlineData("""{"depth": 0}""", "config.depth")]
    [InlineData("""{"learning_rate": "fast"}""", "config.learning_rate")]
    [InlineData("""{"layers": 3}""", "config.layers")]
    public void Bad_configs_name_the_field(string json, string field)
    {
        Family.Validate(Family.WithDefaults((JsonObject)JsonNode.Parse(json)!)).Select(e => e.Field).Should().Contain(field);
    }
}
