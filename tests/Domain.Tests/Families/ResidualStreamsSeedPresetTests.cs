using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;

namespace Dashboard.Domain.Tests.Families;

/// <summary>The residual-streams presets hold the seed's configs (spec 002, "Configs").</summary>
public sealed class ResidualStreamsSeedPresetTests
{
    private static readonly ResidualStreamsFamily Family = new();

    private static ExperimentSubmission Parse(string json) =>
        ExperimentRequest.Parse(JsonNode.Parse(json), FamilyCatalogue.BuiltIn(), DateTimeOffset.UtcNow, new TimeOnly(22, 0), TimeZoneInfo.Utc);

    [Fact]
    public void The_depth_sweep_is_the_seeds_tiny_configs_with_half_the_batch_at_48_layers()
    {
        var submission = Parse("""{"family": "residual-streams", "preset": "depth-sweep"}""");
        var runs = submission.Sweep.Expand(submission.Config);

        runs.Select(r => (r.AxisValues["config"]!.GetValue<string>(), ConfigValue.Integer(r.Config["depth"]), ConfigValue.Integer(r.Config["batch"]),
                ConfigValue.Text(r.Config["variant"])))
            .Should().Equal(
                ("tiny_12l", 12L, 32L, "baseline"), ("tiny_12l", 12L, 32L, "hc"), ("tiny_12l", 12L, 32L, "mhc"),
                ("tiny_24l", 24L, 32L, "baseline"), ("tiny_24l", 24L, 32L, "hc"), ("tiny_24l", 24L, 32L, "mhc"),
                ("tiny_48l", 48L, 16L, "baseline"), ("tiny_48l", 48L, 16L, "hc"), ("tiny_48l", 48L, 16L, "mhc"));
        runs.Should().OnlyContain(r => Family.Validate(r.Config).Count == 0);
        runs.Should().OnlyContain(r => ConfigValue.Text(r.Config["architecture"]) == "seed"
            && ConfigValue.Integer(r.Config["width"]) == 256 && ConfigValue.Integer(r.Config["d_ff"]) == 1024
            && ConfigValue.Integer(r.Config["heads"]) == 4 && ConfigValue.Integer(r.Config["seq_len"]) == 128
            && ConfigValue.Number(r.Config["learning_rate"]) == 2e-3 && ConfigValue.Number(r.Config["weight_decay"]) == 0
            && ConfigValue.Integer(r.Config["steps"]) == 200 && ConfigValue.Integer(r.Config["streams"]) == 4
            && ConfigValue.Integer(r.Config["seed"]) == 0 && ConfigValue.Text(r.Config["on_nan"]) == "continue");
    }

    [Fact]
    public void The_demo_is_the_seeds_demo_config()
    {
        var config = Parse("""{"family": "residual-streams", "preset": "demo"}""").Config;
        Family.Validate(config).Should().BeEmpty();
        (ConfigValue.Text(config["variant"]), ConfigValue.Integer(config["depth"]), ConfigValue.Integer(config["width"]),
                ConfigValue.Integer(config["d_ff"]), ConfigValue.Integer(config["seq_len"]), ConfigValue.Integer(config["batch"]))
            .Should().Be(("mhc", 24, 128, 512, 64, 32));
        (ConfigValue.Number(config["learning_rate"]), ConfigValue.Number(config["weight_decay"]), ConfigValue.Integer(config["seed"]),
                ConfigValue.Integer(config["steps"]))
            .Should().Be((1e-3, 0.01, 42, 50));
    }

    [Theory]
    [InlineData("""{"architecture": "resnet"}""", "config.architecture")]
    [InlineData("""{"architecture": "seed", "width": 64, "heads": 5}""", "config.heads")]
    [InlineData("""{"on_nan": "ignore"}""", "config.on_nan")]
    [InlineData("""{"weight_decay": -1}""", "config.weight_decay")]
    public void Bad_seed_fields_name_the_field(string json, string field)
    {
        Family.Validate(Family.WithDefaults((JsonObject)JsonNode.Parse(json)!)).Select(e => e.Field).Should().Contain(field);
    }

    [Fact]
    public void The_mlp_architecture_takes_any_width_and_heads()
    {
        Family.Validate(Family.WithDefaults(new JsonObject { ["architecture"] = "mlp", ["width"] = 64, ["heads"] = 5 })).Should().BeEmpty();
    }
}
