using System.Text.Json.Nodes;
using Dashboard.Domain.Claims;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Families;
using Dashboard.Domain.Runs;

namespace Dashboard.Domain.Tests.Claims;

public sealed class ClaimEvaluationTests
{
    private static readonly DivergenceRule LossRule = new("loss");
    private static long nextId = 1;

    private static RunResult Run(string axes, double? loss, RunState state = RunState.Succeeded, double? min = null) =>
        new(nextId++, (JsonObject)JsonNode.Parse(axes)!, 0, state,
            loss is { } l ? new Dictionary<string, double> { ["loss"] = l } : new Dictionary<string, double>())
        {
            MinMetrics = min is { } m ? new Dictionary<string, double> { ["loss"] = m } : new Dictionary<string, double>(),
        };

    private static ClaimDefinition Claim(string json) => ClaimJson.Parse(JsonNode.Parse($"[{json}]"))[0];

    private static ClaimVerdict Check(string claim, params RunResult[] runs) => ClaimEvaluation.Evaluate(Claim(claim), runs, LossRule);

    [Fact]
    public void Median_with_its_iqr_decides_at_most_and_names_the_numbers()
    {
        // Type 7: sorted 1, 2, 3, 10 → median 2.5, Q1 1.75, Q3 4.75.
        var v = Check("""{"name": "a", "statement": "s", "metric": "loss", "test": "<= 3"}""",
            Run("{}", 10), Run("{}", 1), Run("{}", 3), Run("{}", 2));
        v.Outcome.Should().Be(ClaimOutcome.Holds);
        v.Groups.Single().Value.Should().Be(2.5);
        v.Groups.Single().Low.Should().Be(1.75);
        v.Groups.Single().High.Should().Be(4.75);
        v.Ours.Should().Be("2.5 (IQR 1.75 … 4.75, n = 4)");
        v.DecidingRunIds.Should().HaveCount(4);
        Check("""{"name": "a", "statement": "s", "metric": "loss", "test": "<= 2.4"}""", Run("{}", 10), Run("{}", 1), Run("{}", 3), Run("{}", 2))
            .Outcome.Should().Be(ClaimOutcome.DoesNotHold);
    }

    [Fact]
    public void Mean_has_a_student_t_95_percent_interval()
    {
        // 1, 2, 3: mean 2, s = 1, half-width t(0.975, 2) · 1/√3 = 4.303 / 1.7320508 = 2.48434.
        var v = Check("""{"name": "a", "statement": "s", "metric": "loss", "aggregate": "mean", "test": ">= 1.9"}""",
            Run("{}", 1), Run("{}", 2), Run("{}", 3));
        v.Outcome.Should().Be(ClaimOutcome.Holds);
        var g = v.Groups.Single();
        g.Value.Should().Be(2);
        (g.High! - g.Value!).Value.Should().BeApproximately(4.303 / Math.Sqrt(3), 1e-9);
        v.Ours.Should().StartWith("2 ± 2.484 (95 % CI, n = 3)");
        Dashboard.Domain.Comparisons.MeanInterval.StudentT975(1).Should().Be(12.706);
        Dashboard.Domain.Comparisons.MeanInterval.StudentT975(500).Should().BeApproximately(1.9647, 0.001, "t(0.975, 500)");
    }

    [Fact]
    public void A_mean_needs_two_seeds_by_default_and_says_how_many_more()
    {
        var v = Check("""{"name": "a", "statement": "s", "metric": "loss", "aggregate": "mean", "test": "<= 5"}""", Run("{}", 1));
        v.Outcome.Should().Be(ClaimOutcome.NotYet);
        v.RunsNeeded.Should().Be(1);
        v.Reason.Should().Contain("needs 1 more finished run");
    }

    [Fact]
    public void Too_few_seeds_is_not_yet_with_the_count_needed_per_group()
    {
        var v = Check("""{"name": "a", "statement": "s", "metric": "loss", "runs": {"variant": "mhc"}, "per": "depth", "min_runs": 3, "test": "<= 1"}""",
            Run("""{"variant": "mhc", "depth": 12}""", 0.5), Run("""{"variant": "mhc", "depth": 12}""", 0.5),
            Run("""{"variant": "mhc", "depth": 24}""", 0.5), Run("""{"variant": "mhc", "depth": 24}""", 0.5), Run("""{"variant": "mhc", "depth": 24}""", 0.5),
            Run("""{"variant": "hc", "depth": 12}""", 9));
        v.Outcome.Should().Be(ClaimOutcome.NotYet);
        v.RunsNeeded.Should().Be(1);
        v.Reason.Should().Be("depth=12 needs 1 more finished run");
        v.Groups.Select(g => g.Label).Should().Equal("depth=12", "depth=24");
    }

    [Fact]
    public void Unfinished_runs_leave_a_claim_not_yet_but_a_decided_failure_decides_it_at_once()
    {
        var pending = Check("""{"name": "a", "statement": "s", "metric": "loss", "per": "depth", "test": "<= 1"}""",
            Run("""{"depth": 12}""", 0.5), Run("""{"depth": 24}""", null, RunState.Running));
        pending.Outcome.Should().Be(ClaimOutcome.NotYet);
        pending.RunsUnfinished.Should().Be(1);
        pending.Reason.Should().StartWith("1 run unfinished");

        var failed = Check("""{"name": "a", "statement": "s", "metric": "loss", "per": "depth", "test": "<= 1"}""",
            Run("""{"depth": 12}""", 5), Run("""{"depth": 24}""", null, RunState.Queued));
        failed.Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        failed.Reason.Should().Be("depth=12: 5 (IQR 5 … 5, n = 1) is not ≤ 1");
    }

    [Fact]
    public void Failed_and_cancelled_runs_are_not_results_so_the_group_waits_for_more()
    {
        var v = Check("""{"name": "a", "statement": "s", "metric": "loss", "test": "<= 1"}""",
            Run("{}", null, RunState.Failed), Run("{}", null, RunState.Cancelled));
        v.Outcome.Should().Be(ClaimOutcome.NotYet);
        v.RunsNeeded.Should().Be(1);
        v.Reason.Should().Contain("(2 failed or cancelled)");
    }

    [Fact]
    public void A_diverged_run_fails_a_bounded_count_and_is_never_dropped()
    {
        var v = Check("""{"name": "a", "statement": "s", "metric": "loss", "aggregate": "count:bounded", "test": ">= 3"}""",
            Run("{}", 0.1), Run("{}", 0.2), Run("{}", double.NaN, RunState.Diverged));
        v.Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        v.Ours.Should().Be("2 of 3 bounded");
        v.DecidingRunIds.Should().HaveCount(3);

        // A NaN final loss counts as divergent by the family's rule even when the run ended "succeeded".
        Check("""{"name": "a", "statement": "s", "metric": "loss", "aggregate": "count:bounded", "test": "all"}""",
            Run("{}", 0.1), Run("{}", double.PositiveInfinity)).Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        Check("""{"name": "a", "statement": "s", "metric": "loss", "aggregate": "count:diverged", "test": "all"}""",
            Run("{}", double.NaN, RunState.Diverged)).Outcome.Should().Be(ClaimOutcome.Holds);
        Check("""{"name": "a", "statement": "s", "metric": "loss", "aggregate": "count:finite", "test": ">= 1"}""",
            Run("{}", double.NaN, RunState.Diverged), Run("{}", 2)).Ours.Should().Be("1 of 2 finite");
    }

    [Fact]
    public void Runs_without_a_finite_value_stand_at_the_failing_end_of_a_median_and_poison_a_mean()
    {
        // Two of three diverged: the median is +∞ for "at most", −∞ for "at least"; both fail.
        RunResult[] runs = [Run("{}", 0.1), Run("{}", double.NaN, RunState.Diverged), Run("{}", null, RunState.Diverged)];
        var atMost = Check("""{"name": "a", "statement": "s", "metric": "loss", "test": "<= 1"}""", runs);
        atMost.Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        atMost.Groups.Single().Value.Should().Be(double.PositiveInfinity);
        atMost.Groups.Single().NonFinite.Should().Be(2);
        atMost.Ours.Should().Contain("2 without a finite value");
        Check("""{"name": "a", "statement": "s", "metric": "loss", "test": ">= 0"}""", runs).Groups.Single().Value.Should().Be(double.NegativeInfinity);
        // One of three: the median is still the finite middle value, and the run is still counted (n = 3).
        var minority = Check("""{"name": "a", "statement": "s", "metric": "loss", "test": "<= 1"}""",
            Run("{}", 0.1), Run("{}", 0.3), Run("{}", double.NaN, RunState.Diverged));
        minority.Outcome.Should().Be(ClaimOutcome.Holds);
        minority.Groups.Single().Value.Should().Be(0.3);
        minority.Groups.Single().High.Should().Be(double.PositiveInfinity);
        Check("""{"name": "a", "statement": "s", "metric": "loss", "aggregate": "mean", "test": "<= 1"}""",
            Run("{}", 0.1), Run("{}", 0.3), Run("{}", double.NaN, RunState.Diverged)).Outcome.Should().Be(ClaimOutcome.DoesNotHold);
    }

    [Theory]
    [InlineData("within 0.01 of -0.602", -0.595, ClaimOutcome.Holds)]
    [InlineData("within 0.01 of -0.602", -0.59, ClaimOutcome.DoesNotHold)]
    [InlineData("within 10% of 1.2027", 1.09, ClaimOutcome.Holds)]
    [InlineData("within 10% of 1.2027", 1.08, ClaimOutcome.DoesNotHold)]
    [InlineData(">= 1", 1, ClaimOutcome.Holds)]
    [InlineData(">= 1", 0.999, ClaimOutcome.DoesNotHold)]
    [InlineData("≤ 0", 0, ClaimOutcome.Holds)]
    public void Relations_against_a_number(string test, double value, ClaimOutcome expected) =>
        Check($$"""{"name": "a", "statement": "s", "metric": "loss", "test": "{{test}}"}""", Run("{}", value)).Outcome.Should().Be(expected);

    [Theory]
    [InlineData("flat within 0.05", new[] { -0.598, -0.602, -0.602 }, ClaimOutcome.Holds)]
    [InlineData("flat within 0.05", new[] { -0.6, -0.5, -0.6 }, ClaimOutcome.DoesNotHold)]
    [InlineData("increasing", new[] { 6.3, 13.3, 27.3 }, ClaimOutcome.Holds)]
    [InlineData("increasing", new[] { 6.3, 13.3, 13.3 }, ClaimOutcome.DoesNotHold)]
    [InlineData("increasing", new[] { 6.3, 13.3, double.NaN }, ClaimOutcome.DoesNotHold)]
    [InlineData("decreasing", new[] { 3.0, 2, 1 }, ClaimOutcome.Holds)]
    public void Relations_across_the_groups_of_an_axis_in_numeric_order(string test, double[] byDepth, ClaimOutcome expected)
    {
        // Listed out of order on purpose: groups of numbers go in numeric order (12, 24, 48).
        var v = Check($$"""{"name": "a", "statement": "s", "metric": "loss", "per": "depth", "test": "{{test}}"}""",
            Run("""{"depth": 48}""", byDepth[2], double.IsNaN(byDepth[2]) ? RunState.Diverged : RunState.Succeeded),
            Run("""{"depth": 12}""", byDepth[0]), Run("""{"depth": 24}""", byDepth[1]));
        v.Outcome.Should().Be(expected);
        v.Groups.Select(g => g.PerValue).Should().Equal("12", "24", "48");
    }

    [Fact]
    public void Across_group_relations_wait_for_every_group()
    {
        var v = Check("""{"name": "a", "statement": "s", "metric": "loss", "runs": {"depth": [12, 24, 48]}, "per": "depth", "test": "increasing"}""",
            Run("""{"depth": 12}""", 1), Run("""{"depth": 24}""", 2));
        v.Outcome.Should().Be(ClaimOutcome.NotYet);
        v.Reason.Should().Be("depth=48 needs 1 more finished run");
    }

    [Fact]
    public void Ranking_relations_order_the_groups_by_their_aggregate()
    {
        RunResult[] runs =
        [
            Run("""{"config": "baseline"}""", 6.94), Run("""{"config": "lazy"}""", 6.88), Run("""{"config": "scalar"}""", 6.90),
            Run("""{"config": "lazy"}""", 6.86),
        ];
        Check("""{"name": "a", "statement": "s", "metric": "loss", "per": "config", "test": "first: lazy"}""", runs).Outcome.Should().Be(ClaimOutcome.Holds);
        Check("""{"name": "a", "statement": "s", "metric": "loss", "per": "config", "test": "first: scalar"}""", runs).Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        Check("""{"name": "a", "statement": "s", "metric": "loss", "per": "config", "higher_is_better": true, "test": "first: baseline"}""", runs)
            .Outcome.Should().Be(ClaimOutcome.Holds);

        var exact = Check("""{"name": "a", "statement": "s", "metric": "loss", "per": "config", "test": "order: lazy, scalar, baseline"}""", runs);
        exact.Outcome.Should().Be(ClaimOutcome.Holds);
        exact.Reason.Should().Contain("ρ = 1");
        // One swap of three: ρ = 1 − 6·2/(3·8) = 0.5.
        var swapped = Check("""{"name": "a", "statement": "s", "metric": "loss", "per": "config", "test": "order: scalar, lazy, baseline (spearman >= 0.6)"}""", runs);
        swapped.Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        swapped.Reason.Should().Contain("ρ = 0.5");
        // A config the order names but the experiment lacks leaves the ranking waiting for its runs.
        Check("""{"name": "a", "statement": "s", "metric": "loss", "per": "config", "test": "order: lazy, scalar, baseline, other"}""", runs)
            .Outcome.Should().Be(ClaimOutcome.NotYet);
    }

    [Fact]
    public void Versus_a_baseline_gives_a_ratio_a_difference_or_a_percent_change_per_group()
    {
        RunResult[] runs =
        [
            Run("""{"config": "best"}""", 52_588), Run("""{"config": "baseline"}""", 43_724),
        ];
        var ratio = Check("""{"name": "a", "statement": "s", "metric": "loss", "runs": {"config": "best"}, "versus": {"runs": {"config": "baseline"}, "as": "ratio"}, "test": "within 10% of 1.2027"}""", runs);
        ratio.Outcome.Should().Be(ClaimOutcome.Holds);
        ratio.Groups.Single().Value.Should().BeApproximately(52_588.0 / 43_724, 1e-12);
        ratio.Ours.Should().Be("1.203× (4.372E+04 baseline, n = 1)");
        ratio.DecidingRunIds.Should().HaveCount(2);
        Check("""{"name": "a", "statement": "s", "metric": "loss", "runs": {"config": "best"}, "versus": {"runs": {"config": "baseline"}, "as": "percent"}, "test": ">= 20"}""", runs)
            .Groups.Single().Value.Should().BeApproximately((52_588.0 - 43_724) / 43_724 * 100, 1e-9);

        var perDepth = Check("""{"name": "a", "statement": "s", "metric": "loss", "runs": {"v": "mhc"}, "per": "depth", "versus": {"runs": {"v": "base"}, "as": "difference"}, "test": "<= 0"}""",
            Run("""{"v": "mhc", "depth": 12}""", 0.0005), Run("""{"v": "base", "depth": 12}""", 0.0008),
            Run("""{"v": "mhc", "depth": 24}""", 0.0012), Run("""{"v": "base", "depth": 24}""", 0.0011));
        perDepth.Outcome.Should().Be(ClaimOutcome.DoesNotHold);
        perDepth.Groups.Select(g => g.Passes).Should().Equal(true, false);
        perDepth.Groups[0].Value.Should().BeApproximately(-0.0003, 1e-15);
        // The baseline still running leaves the comparison waiting.
        Check("""{"name": "a", "statement": "s", "metric": "loss", "runs": {"config": "best"}, "versus": {"runs": {"config": "baseline"}, "as": "ratio"}, "test": ">= 1"}""",
            Run("""{"config": "best"}""", 2), Run("""{"config": "baseline"}""", null, RunState.Running)).Outcome.Should().Be(ClaimOutcome.NotYet);
    }

    [Fact]
    public void Readings_take_the_minimum_the_maximum_or_a_step()
    {
        var run = new RunResult(1, [], 0, RunState.Succeeded, new Dictionary<string, double> { ["loss"] = 0.5 })
        {
            MinMetrics = new Dictionary<string, double> { ["loss"] = 0.1 },
            MaxMetrics = new Dictionary<string, double> { ["loss"] = 3 },
            StepMetrics = new Dictionary<MetricAtStep, double> { [new("loss", 100)] = 1.5 },
        };
        new MetricReading("loss").Of(run).Should().Be(0.5);
        new MetricReading("loss", ReadingKind.Min).Of(run).Should().Be(0.1);
        new MetricReading("loss", ReadingKind.Max).Of(run).Should().Be(3);
        new MetricReading("loss", ReadingKind.AtStep, 100).Of(run).Should().Be(1.5);
        new MetricReading("loss", ReadingKind.AtStep, 50).Of(run).Should().BeNull();
        Check("""{"name": "a", "statement": "s", "metric": "loss", "reading": "min", "test": "<= 0.2"}""", Run("{}", 5, min: 0.15))
            .Outcome.Should().Be(ClaimOutcome.Holds);
    }

    [Fact]
    public void No_run_matching_a_claim_is_not_yet()
    {
        var v = Check("""{"name": "a", "statement": "s", "metric": "loss", "runs": {"variant": "hc", "depth": 48}, "aggregate": "count:diverged", "test": "all"}""",
            Run("""{"variant": "mhc", "depth": 48}""", 1));
        v.Outcome.Should().Be(ClaimOutcome.NotYet);
        v.Reason.Should().Contain("needs 1 more finished run");
    }
}
