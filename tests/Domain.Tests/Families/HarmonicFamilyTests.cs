using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;

namespace Dashboard.Domain.Tests.Families;

public sealed class HarmonicFamilyTests
{
    private static readonly HarmonicFamily Family = new();

    private static ExperimentSubmission Parse(string json) => ExperimentRequest.Parse(JsonNode.Parse(json),
        FamilyCatalogue.BuiltIn(), DateTimeOffset.UtcNow, new TimeOnly(22, 0), TimeZoneInfo.Utc);

    [Fact]
    public void Defaults_are_the_seeds_small_field_config()
    {
        var config = Family.WithDefaults([]);
        Family.Validate(config).Should().BeEmpty();
        config["variant"]!.GetValue<string>().Should().Be("field");
        Family.TotalSteps(config).Should().Be(100, "a field run's steps are its trials");
    }

    [Fact]
    public void The_seed_configs_preset_queues_small_medium_large_under_both_detectors()
    {
        var submission = Parse("""{"family": "harmonic", "preset": "seed-configs"}""");
        var runs = submission.Sweep.Expand(submission.Config);
        runs.Should().HaveCount(6);
        runs.Select(r => (ConfigValue.Integer(r.Config["nodes"]), ConfigValue.Text(r.Config["detector"])))
            .Should().Contain([(1000, "as-run"), (2500, "corrected"), (5000, "as-run")]);
    }

    [Fact]
    public void The_comparison_preset_queues_three_models_times_three_seeds()
    {
        var submission = Parse("""{"family": "harmonic", "preset": "harmonic-vs-gpt"}""");
        var runs = submission.Sweep.Expand(submission.Config);
        runs.Should().HaveCount(9);
        runs.Select(r => ConfigValue.Text(r.Config["model"])).Distinct().Should().BeEquivalentTo(HarmonicFamily.Models);
    }

    [Theory]
    [InlineData("""{"variant": "gpt", "window": 0}""", "config.window")]
    [InlineData("""{"variant": "gpt", "wave_fraction": 0}""", "config.wave_fraction")]
    [InlineData("""{"variant": "gpt", "wave_fraction": 1.5}""", "config.wave_fraction")]
    [InlineData("""{"variant": "gpt", "width": 250, "heads": 4}""", "config.heads")]
    [InlineData("""{"variant": "field", "nodes": 100, "modes": 101}""", "config.modes")]
    [InlineData("""{"variant": "field", "nodes": 1000, "modes": 962}""", "config.modes")]
    [InlineData("""{"variant": "field", "nodes": 20000}""", "config.nodes")]
    [InlineData("""{"detector": "fixed"}""", "config.detector")]
    public void Bad_configs_name_the_field(string json, string field)
    {
        Family.Validate(Family.WithDefaults((JsonObject)JsonNode.Parse(json)!)).Select(e => e.Field).Should().Contain(field);
    }

    [Fact]
    public void Modes_up_to_the_rounded_node_count_are_accepted()
    {
        Family.Validate(Family.WithDefaults(new JsonObject { ["nodes"] = 1000, ["modes"] = 961 })).Should().BeEmpty();
    }
}
