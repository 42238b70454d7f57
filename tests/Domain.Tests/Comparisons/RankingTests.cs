using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Runs;
using static Dashboard.Domain.Tests.Comparisons.SweepAggregationTests;

namespace Dashboard.Domain.Tests.Comparisons;

public sealed class RankingTests
{
    // Seed 001's table: val loss and throughput of four of the seven nGPT configs, one run each.
    private static IReadOnlyList<ConfigAggregate> Seed001() => SweepAggregation.Aggregate(
    [
        Run("""{"config": "baseline"}""", 0, RunState.Succeeded, 6.9394, 43_724),
        Run("""{"config": "lazy_proj_10"}""", 0, RunState.Succeeded, 6.8817, 39_691),
        Run("""{"config": "lazy_proj_10_scalar"}""", 0, RunState.Succeeded, 6.8646, 52_588),
        Run("""{"config": "lazy_proj_3"}""", 0, RunState.Succeeded, 6.9348, 37_329),
    ], null);

    [Fact]
    public void Configs_rank_by_median_with_deltas_against_the_baseline_as_in_seed_001()
    {
        var configs = Seed001();
        var baseline = Ranking.DefaultBaseline(configs);
        baseline.Should().Be(configs[0].Config.Key);

        var ranking = Ranking.Rank(configs, "loss", higherIsBetter: false, baseline);

        ranking.Select(r => (r.Rank, r.Aggregate.Config.Label)).Should().Equal(
            (1, "config=lazy_proj_10_scalar"), (2, "config=lazy_proj_10"), (3, "config=lazy_proj_3"), (4, "config=baseline"));
        ranking[3].IsBaseline.Should().BeTrue();
        ranking[3].Metric("loss")!.Delta.Should().Be(0);

        // 6.8646 − 6.9394 = −0.0748, and −0.0748 / 6.9394 = −1.078 %: the seed's "1.08 % better".
        var best = ranking[0].Metric("loss")!;
        best.Delta.Should().BeApproximately(-0.0748, 1e-9);
        best.DeltaPercent.Should().BeApproximately(-1.0779, 1e-4);
        // The seed's frequency table: lazy_proj_10 is −0.83 % in val loss and −9.2 % in throughput.
        ranking[1].Metric("loss")!.DeltaPercent.Should().BeApproximately(-0.8315, 1e-4);
        ranking[1].Metric("tokens_per_sec")!.DeltaPercent.Should().BeApproximately(-9.22, 1e-2);
        ranking[1].Metric("tokens_per_sec")!.Delta.Should().Be(39_691 - 43_724);
    }

    [Fact]
    public void Higher_is_better_reverses_the_order_and_a_chosen_baseline_moves_the_deltas()
    {
        var configs = Seed001();
        var ranking = Ranking.Rank(configs, "tokens_per_sec", higherIsBetter: true, configs[1].Config.Key);
        ranking.Select(r => r.Aggregate.Config.Label).Should().Equal(
            "config=lazy_proj_10_scalar", "config=baseline", "config=lazy_proj_10", "config=lazy_proj_3");
        ranking.Single(r => r.IsBaseline).Aggregate.Config.Label.Should().Be("config=lazy_proj_10");
        ranking[0].Metric("tokens_per_sec")!.Delta.Should().Be(52_588 - 39_691);
        Ranking.IsImprovement(12_897, higherIsBetter: true).Should().BeTrue();
        Ranking.IsImprovement(-0.07, higherIsBetter: false).Should().BeTrue();
    }

    [Fact]
    public void Configs_without_the_metric_follow_unranked_and_an_unknown_baseline_gives_no_deltas()
    {
        var configs = SweepAggregation.Aggregate(
        [
            Run("""{"lr": 0.1}""", 0, RunState.Running, 1.0),
            Run("""{"lr": 0.01}""", 0, RunState.Succeeded, 2.0),
            Run("""{"lr": 0.001}""", 0, RunState.Succeeded, 1.5),
        ], null);
        var ranking = Ranking.Rank(configs, "loss", false, "no such config");
        ranking.Select(r => (r.Rank, r.Aggregate.Config.Label)).Should().Equal(
            (1, "lr=0.001"), (2, "lr=0.01"), (null, "lr=0.1"));
        ranking.Should().OnlyContain(r => !r.IsBaseline);
        ranking[0].Metric("loss")!.Delta.Should().BeNull();
    }

    [Fact]
    public void A_zero_baseline_has_an_absolute_delta_but_no_percentage()
    {
        Ranking.Delta(0.5, 0).Should().Be(new MetricDelta(0.5, 0.5, null));
        Ranking.Delta(-3, -2).DeltaPercent.Should().Be(-50);
    }

    [Fact]
    public void The_default_baseline_is_a_config_named_baseline_among_its_axes()
    {
        var configs = SweepAggregation.Aggregate(
        [
            Run("""{"depth": 12, "variant": "hc"}""", 0, RunState.Succeeded, 1),
            Run("""{"depth": 12, "variant": "baseline"}""", 0, RunState.Succeeded, 2),
        ], null);
        Ranking.DefaultBaseline(configs).Should().Be(configs[1].Config.Key);
        Ranking.DefaultBaseline([]).Should().BeNull();
    }
}
