using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Families;
using Dashboard.Domain.Runs;
using Dashboard.Web.Components.Experiments;
using Dashboard.Web.Tests.Support;

namespace Dashboard.Web.Tests.Components;

public sealed partial class RankingTableTests
{
    [GeneratedRegex("data-config=\"([^\"]+)\"")]
    private static partial Regex ConfigRow();

    private static RunResult Run(long id, string axes, long seed, RunState state, double loss, double throughput) =>
        new(id, (JsonObject)JsonNode.Parse(axes)!, seed, state,
            new Dictionary<string, double> { ["loss"] = loss, ["tokens_per_sec"] = throughput });

    private static Task<string> Render(IReadOnlyList<RunResult> runs, DivergenceRule? rule, bool showDivergence)
    {
        var aggregates = SweepAggregation.Aggregate(runs, rule);
        var ranked = Ranking.Rank(aggregates, "loss", false, Ranking.DefaultBaseline(aggregates));
        return Markup.RenderAsync<RankingTable>(new Dictionary<string, object?>
        {
            [nameof(RankingTable.Rows)] = ranked,
            [nameof(RankingTable.Metric)] = "loss",
            [nameof(RankingTable.OtherMetrics)] = new[] { "tokens_per_sec" },
            [nameof(RankingTable.ShowDivergence)] = showDivergence,
        });
    }

    [Fact]
    public async Task Seed_001s_configs_rank_by_val_loss_with_deltas_against_the_baseline()
    {
        var html = await Render(
        [
            Run(1, """{"config": "baseline"}""", 0, RunState.Succeeded, 6.9394, 43_724),
            Run(2, """{"config": "lazy_proj_10"}""", 0, RunState.Succeeded, 6.8817, 39_691),
            Run(3, """{"config": "lazy_proj_10_scalar"}""", 0, RunState.Succeeded, 6.8646, 52_588),
        ], null, showDivergence: false);

        ConfigRow().Matches(html).Select(m => m.Groups[1].Value).Should()
            .Equal("config=lazy_proj_10_scalar", "config=lazy_proj_10", "config=baseline");
        // Best row: −0.0748 and −1.08 % in val loss, +20.27 % in throughput, in the improvement colour.
        html.Should().Contain("<td class=\"num text-ok\" data-testid=\"ranking-delta\">−0.0748</td>");
        html.Should().Contain("<td class=\"num text-ok\" data-testid=\"ranking-delta-percent\">−1.08%</td>");
        html.Should().Contain("+20.3%").And.Contain("52,588");
        html.Should().Contain("baseline-tag").And.NotContain("Bounded");
    }

    [Fact]
    public async Task Seeds_give_a_median_with_its_iqr_and_divergent_runs_are_counted()
    {
        var html = await Render(
        [
            Run(1, """{"variant": "baseline"}""", 0, RunState.Succeeded, 0.30, 1),
            Run(2, """{"variant": "baseline"}""", 1, RunState.Succeeded, 0.10, 1),
            Run(3, """{"variant": "baseline"}""", 2, RunState.Succeeded, 0.20, 1),
            Run(4, """{"variant": "hc"}""", 0, RunState.Diverged, double.NaN, 1),
            Run(5, """{"variant": "hc"}""", 1, RunState.Succeeded, 0.40, 1),
        ], new ResidualStreamsFamily().Divergence, showDivergence: true);

        // Baseline: median 0.2, IQR from 0.15 to 0.25 (type-7 quartiles of 0.1, 0.2, 0.3); HC: 1 bounded, 1 divergent.
        html.Should().Contain("<strong>0.2</strong>").And.Contain("IQR 0.15 – 0.25");
        html.Should().Contain("data-testid=\"ranking-bounded\">1</td>");
        html.Should().Contain("data-testid=\"ranking-divergent\">1</td>");
        html.Should().Contain("<td class=\"num text-danger\" data-testid=\"ranking-delta\">+0.2</td>");
        html.Should().Contain("+100.0%");
    }
}
