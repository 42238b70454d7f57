using System.Text.Json.Nodes;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Families;
using Dashboard.Domain.Runs;

namespace Dashboard.Domain.Tests.Comparisons;

public sealed class SweepAggregationTests
{
    private static long _nextId;

    internal static RunResult Run(string axes, long seed, RunState state, double? loss, double? other = null)
    {
        var metrics = new Dictionary<string, double>();
        if (loss is { } l) metrics["loss"] = l;
        if (other is { } o) metrics["tokens_per_sec"] = o;
        return new RunResult(++_nextId, (JsonObject)JsonNode.Parse(axes)!, seed, state, metrics);
    }

    [Fact]
    public void Runs_group_by_axis_values_across_seeds_in_sweep_order()
    {
        var runs = new[]
        {
            Run("""{"depth": 12, "variant": "hc"}""", 0, RunState.Succeeded, 0.1, 100),
            Run("""{"depth": 12, "variant": "hc"}""", 1, RunState.Succeeded, 0.3, 300),
            Run("""{"depth": 12, "variant": "hc"}""", 2, RunState.Succeeded, 0.2, 200),
            // Same values written in another order are the same config.
            Run("""{"variant": "mhc", "depth": 12}""", 0, RunState.Succeeded, 0.5),
            Run("""{"depth": 12, "variant": "mhc"}""", 1, RunState.Diverged, double.NaN),
            Run("""{"depth": 12, "variant": "mhc"}""", 2, RunState.Running, 0.9),
        };

        var groups = SweepAggregation.Aggregate(runs, new ResidualStreamsFamily().Divergence);

        groups.Select(g => g.Config.Label).Should().Equal("depth=12, variant=hc", "variant=mhc, depth=12");
        var hc = groups[0];
        (hc.Runs, hc.Finished, hc.Bounded, hc.Divergent).Should().Be((3, 3, 3, 0));
        hc.Metric("loss")!.Median.Should().BeApproximately(0.2, 1e-12);
        hc.Metric("loss")!.Q1.Should().BeApproximately(0.15, 1e-12);
        hc.Metric("loss")!.Q3.Should().BeApproximately(0.25, 1e-12);
        hc.Metric("tokens_per_sec")!.Median.Should().Be(200);

        var mhc = groups[1];
        // The running run is not a result yet; the diverged one is, but its NaN loss has no place in the median.
        (mhc.Runs, mhc.Finished, mhc.Bounded, mhc.Divergent).Should().Be((3, 2, 1, 1));
        mhc.Metric("loss").Should().Be(new Spread(0.5, 0.5, 0.5, 1));
    }

    [Fact]
    public void A_threshold_rule_counts_finite_but_large_results_as_divergent()
    {
        var rule = new DivergenceRule("loss", Above: 10);
        var runs = Enumerable.Range(0, 10).Select(seed =>
            Run("""{"core": "gru"}""", seed, RunState.Succeeded, seed < 6 ? 500 + seed : seed)).ToList();

        var gru = SweepAggregation.Aggregate(runs, rule).Single();

        // Seed 003's locked result reads "GRU divergent 6/10": the six above the threshold.
        (gru.Bounded, gru.Divergent).Should().Be((4, 6));
        gru.Metric("loss")!.Count.Should().Be(10);
    }

    [Fact]
    public void Without_a_rule_only_the_diverged_state_is_divergent()
    {
        var runs = new[]
        {
            Run("{}", 0, RunState.Succeeded, double.PositiveInfinity),
            Run("{}", 1, RunState.Diverged, 3),
            Run("{}", 2, RunState.Failed, 1),
        };
        var single = SweepAggregation.Aggregate(runs, null).Single();
        single.Config.Label.Should().Be(SweepConfig.SingleLabel);
        (single.Finished, single.Bounded, single.Divergent).Should().Be((2, 1, 1));
        single.Metric("loss").Should().Be(new Spread(3, 3, 3, 1));
    }
}
