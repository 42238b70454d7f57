using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;

namespace Dashboard.Domain.Tests.Families;

/// <summary>The ngpt family's seed variant and tokenizer, and the optimization sweep that runs them (spec 001).</summary>
public sealed class NGptSeedPresetTests
{
    private static readonly NGptFamily Family = new();

    [Fact]
    public void The_optimization_sweep_runs_the_seeds_nGPT_on_GPT2_tokens_with_its_optimizer_settings()
    {
        var submission = ExperimentRequest.Parse(JsonNode.Parse("""{"family": "ngpt", "preset": "optimization-sweep"}"""),
            FamilyCatalogue.BuiltIn(), DateTimeOffset.UtcNow, new TimeOnly(22, 0), TimeZoneInfo.Utc);
        var runs = submission.Sweep.Expand(submission.Config);

        runs.Should().HaveCount(7).And.OnlyContain(r => ConfigValue.Text(r.Config["variant"]) == "ngpt-seed"
            && ConfigValue.Text(r.Config["tokenizer"]) == "gpt2" && ConfigValue.Integer(r.Config["vocab"]) == NGptFamily.Gpt2Vocabulary
            && ConfigValue.Number(r.Config["lr_weights"]) == 1e-3 && ConfigValue.Number(r.Config["lr_other"]) == 3e-4
            && ConfigValue.Number(r.Config["weight_decay"]) == 0.01 && ConfigValue.Number(r.Config["alpha_init"]) == 0.28
            && ConfigValue.Number(r.Config["logit_scale"]) == 10.0 && ConfigValue.Integer(r.Config["val_batches"]) == 20);
    }

    [Fact]
    public void The_defaults_stay_the_papers_nGPT_on_bytes()
    {
        var config = Family.WithDefaults([]);
        (ConfigValue.Text(config["variant"]), ConfigValue.Text(config["tokenizer"])).Should().Be(("ngpt", "bytes"));
    }

    [Theory]
    [InlineData("""{"tokenizer": "gpt2", "vocab": 256}""", "config.vocab")]
    [InlineData("""{"tokenizer": "sentencepiece"}""", "config.tokenizer")]
    [InlineData("""{"variant": "ngpt-seed", "width": 384, "heads": 5}""", "config.heads")]
    public void Bad_seed_configs_name_the_field(string json, string field)
    {
        Family.Validate(Family.WithDefaults((JsonObject)JsonNode.Parse(json)!)).Select(e => e.Field).Should().Contain(field);
    }

    [Fact]
    public void The_seeds_nGPT_has_no_rotary_embedding_so_an_odd_head_size_is_fine()
    {
        Family.Validate(Family.WithDefaults(new JsonObject { ["variant"] = "ngpt-seed", ["width"] = 36, ["heads"] = 4 })).Should().BeEmpty();
        Family.Validate(Family.WithDefaults(new JsonObject { ["variant"] = "ngpt", ["width"] = 36, ["heads"] = 4 })).Should().NotBeEmpty();
    }
}
