using Dashboard.Domain.Runs;

namespace Dashboard.Domain.Tests;

public sealed class StepShownTests
{
    [Fact]
    public void A_succeeded_run_shows_its_total_even_though_its_last_point_is_step_total_minus_one() =>
        StepShown.Of(RunState.Succeeded, runStep: 31, newestMetricStep: 31, totalSteps: 32).Should().Be(32);

    [Fact]
    public void A_running_run_shows_the_newest_metric_step_when_the_heartbeat_lags() =>
        StepShown.Of(RunState.Running, runStep: 10, newestMetricStep: 17, totalSteps: 32).Should().Be(17);

    [Theory]
    [InlineData(RunState.Running, 12L, null, 12L)]
    [InlineData(RunState.Running, null, 5L, 5L)]
    [InlineData(RunState.Failed, 20L, 19L, 20L)]
    [InlineData(RunState.Cancelled, 7L, null, 7L)]
    [InlineData(RunState.Queued, null, null, null)]
    public void Otherwise_the_larger_of_heartbeat_and_metrics_is_shown(RunState state, long? runStep, long? metricStep, long? expected) =>
        StepShown.Of(state, runStep, metricStep, totalSteps: 32).Should().Be(expected);
}
