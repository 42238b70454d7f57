using System.Text.Json.Nodes;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Families;
using Dashboard.Domain.Families.SympScale;
using Dashboard.Domain.Runs;
using Dashboard.Web.Components.Experiments;
using Dashboard.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;

namespace Dashboard.Web.Tests.Components;

public sealed class SympScaleSummaryPanelTests
{
    private static RunResult Run(long id, string model, long seed, double mse, long? dim = null) =>
        new(id, dim is { } d ? new JsonObject { ["model"] = model, ["dim"] = d } : new JsonObject { ["model"] = model }, seed, RunState.Succeeded,
            new Dictionary<string, double>
            {
                [SympScaleFamily.Keys.Last100Mse] = mse,
                [SympScaleFamily.Keys.Bounded] = mse <= 100 ? 1 : 0,
                [SympScaleFamily.Keys.Residual] = 4e-11,
                [SympScaleFamily.Keys.ResidualProjected] = 4e-11,
                [SympScaleSummary.ParametersSympKey] = 25_525,
                [SympScaleSummary.ParametersGruKey] = 25_540,
            });

    /// <summary>The charts ask for a JS runtime; a static render never calls it (plotting happens after render).</summary>
    private sealed class NoScripts : IJSRuntime
    {
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => throw new InvalidOperationException("no scripts in a static render");
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) => InvokeAsync<TValue>(identifier, args);
    }

    private static async Task<string> Render(ExperimentFamily family, IReadOnlyList<RunResult> runs, string config)
    {
        await using var services = new ServiceCollection().AddLogging().AddSingleton<IJSRuntime, NoScripts>().BuildServiceProvider();
        return await Markup.RenderAsync<SympScaleSummaryPanel>(new Dictionary<string, object?>
        {
            [nameof(SympScaleSummaryPanel.Family)] = family,
            [nameof(SympScaleSummaryPanel.Results)] = runs,
            [nameof(SympScaleSummaryPanel.Config)] = config,
        }, services);
    }

    [Fact]
    public async Task The_reliability_sweep_shows_counts_the_ratio_and_the_seeds_numbers_beside_ours()
    {
        var runs = Enumerable.Range(1, 4).SelectMany(s => new[]
        {
            Run(s, "symp", s, 5), Run(10 + s, "gru", s, s <= 2 ? 5000 : 10),
        }).ToList();
        var html = await Render(new SympScaleFamily(), runs, """{"system": "cr3bp", "dim": 4}""");
        html.Should().Contain("data-testid=\"sympscale-summary\"");
        html.Should().Contain("Symp bounded 4/4").And.Contain("GRU divergent 2/4");
        html.Should().Contain("median 501.0×, IQR [2.0×, 1000.0×] over 4 seed pairs");
        html.Should().Contain("Symp bounded on 10/10 seeds").And.Contain("81.8");
        html.Should().Contain("GRU 25,540 vs Symp 25,525 (ratio 0.9994)");
    }

    [Fact]
    public async Task A_dimension_sweep_gets_a_row_per_D_and_the_reliability_charts()
    {
        var runs = new List<RunResult> { Run(1, "symp", 1, 5, 4), Run(2, "gru", 1, 500, 4), Run(3, "symp", 1, 5, 16), Run(4, "gru", 1, 5, 16) };
        var html = await Render(new SympScaleFamily(), runs, """{"system": "fput-beta"}""");
        html.Should().Contain("sympscale-bounded-chart").And.Contain("sympscale-ratio-chart");
        html.Should().Contain("no CR3BP D = 4 runs in this experiment");
    }

    [Fact]
    public async Task Other_families_render_nothing()
    {
        var html = await Render(new ResidualStreamsFamily(), [Run(1, "symp", 1, 5)], "{}");
        html.Should().NotContain("sympscale-summary");
    }
}
