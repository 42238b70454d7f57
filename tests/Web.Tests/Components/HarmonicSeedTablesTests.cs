using System.Text.Json.Nodes;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Runs;
using Dashboard.Web.Components.Experiments.Seeds;
using Dashboard.Web.Tests.Support;

namespace Dashboard.Web.Tests.Components;

public sealed class HarmonicSeedTablesTests
{
    private static RunResult Field(long id, string config, long seed, double gaussian, double random, double speed) =>
        new(id, (JsonObject)JsonNode.Parse($$"""{"config": "{{config}}", "detector": "as-run"}""")!, seed, RunState.Succeeded,
            new Dictionary<string, double>
            {
                ["detection_rate"] = (gaussian + random) / 4, ["detection_rate/gaussian"] = gaussian, ["detection_rate/plane_wave"] = 0,
                ["detection_rate/spiral"] = 0, ["detection_rate/random"] = random, ["rotation/mean"] = 3300, ["rotation/sd"] = 1100,
                ["rotation/cv"] = 1100.0 / 3300, ["rotation/nan_count"] = 8, ["speed/mean"] = speed, ["trials_per_sec"] = 500,
                ["lattice/nodes"] = 961,
            });

    private static RunResult Gpt(long id, string model, long seed, double tokens, double valLoss) =>
        new(id, (JsonObject)JsonNode.Parse($$"""{"model": "{{model}}"}""")!, seed, RunState.Succeeded,
            new Dictionary<string, double> { ["inference_tokens_per_sec"] = tokens, ["val/loss"] = valLoss });

    private static Task<string> Render(params RunResult[] runs) =>
        Markup.RenderAsync<HarmonicSeedTables>(new Dictionary<string, object?> { [nameof(HarmonicSeedTables.Results)] = runs });

    [Fact]
    public async Task Field_rows_put_the_seeds_figures_beside_ours_and_say_detection_depends_on_the_family()
    {
        var html = await Render(Field(1, "small", 0, 0, 1, 0.8078), Field(2, "small", 1, 0, 1, 0.8078));

        html.Should().Contain("data-testid=\"harmonic-field-row\" data-config=\"config=small, detector=as-run\"");
        html.Should().Contain("25 %").And.Contain("3,274.7 ± 1,155.9", "the write-up's small-config rotation");
        html.Should().Contain("0 % / 0 % / 0 % / 100 %", "per family: Gaussian, plane wave, spiral, random");
        html.Should().Contain("1.24 / 0.8078").And.Contain("4.6 / 500");
        html.Should().Contain("25 % rule: detection depends on the initial-condition family, not on scale — Gaussian 0 %");
        html.Should().NotContain("harmonic-gpt-table");
    }

    [Fact]
    public async Task Gpt_rows_compare_tokens_per_second_with_the_ratio_to_the_standard_model()
    {
        var html = await Render(Gpt(1, "standard", 0, 400_000, 1.5), Gpt(2, "harmonic", 0, 200_000, 1.6), Gpt(3, "harmonic-moe", 0, 100_000, 1.7));

        html.Should().Contain("data-model=\"harmonic\"");
        html.Should().Contain("286,751").And.Contain("1,033").And.Contain("10,014,552");
        html.Should().Contain("0.004× / 0.50×", "the seed's 1,033 / 286,751 beside ours 200,000 / 400,000");
        html.Should().NotContain("harmonic-field-table");
    }
}
