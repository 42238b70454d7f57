using Dashboard.Domain.Runs;

namespace Dashboard.Domain.Tests.Comparisons;

public sealed class RunProgressEstimateTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_running_run_estimates_the_rest_from_its_rate_so_far()
    {
        // 250 of 1000 steps in 100 s: 2.5 steps/s, so 750 steps take 300 s more.
        var estimate = RunProgressEstimate.Of(RunState.Running, 250, 1000, Start, Start.AddSeconds(100));
        estimate.Fraction.Should().Be(0.25);
        estimate.Remaining.Should().Be(TimeSpan.FromSeconds(300));
    }

    [Fact]
    public void Unknown_totals_waiting_and_finished_runs_have_no_eta()
    {
        RunProgressEstimate.Of(RunState.Running, 10, null, Start, Start.AddSeconds(5)).Should()
            .Be(new RunProgressEstimate(10, null, null, null));
        RunProgressEstimate.Of(RunState.Queued, null, 100, null, Start).Fraction.Should().BeNull();
        RunProgressEstimate.Of(RunState.Running, 0, 100, Start, Start.AddSeconds(5)).Remaining.Should().BeNull();
        var done = RunProgressEstimate.Of(RunState.Succeeded, 99, 100, Start, Start.AddSeconds(5));
        (done.Fraction, done.Remaining).Should().Be((0.99, (TimeSpan?)null));
        RunProgressEstimate.Of(RunState.Succeeded, 0, 1_099_511_627_776, Start, Start.AddSeconds(5)).Fraction.Should().Be(0);
        RunProgressEstimate.Of(RunState.Cancelled, 40, 100, Start, Start).Fraction.Should().Be(0.4);
    }
}
