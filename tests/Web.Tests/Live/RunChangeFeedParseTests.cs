using Dashboard.Web.Live;

namespace Dashboard.Web.Tests.Live;

public sealed class RunChangeFeedParseTests
{
    [Fact]
    public void A_run_change_carries_the_id_and_state()
    {
        RunChangeFeed.Parse("run_changed", "42:running").Should().Equal(new RunChange(42, RunChangeKind.Run, "running"));
        RunChangeFeed.Parse("run_changed", "7:timed_out").Single().State.Should().Be("timed_out");
    }

    [Fact]
    public void A_metric_notice_names_every_run_of_the_batch()
    {
        RunChangeFeed.Parse("metric_points", "3,5,8").Should().Equal(
            new RunChange(3, RunChangeKind.Metrics), new RunChange(5, RunChangeKind.Metrics), new RunChange(8, RunChangeKind.Metrics));
    }

    [Theory]
    [InlineData("run_changed", "")]
    [InlineData("run_changed", "running")]
    [InlineData("run_changed", ":running")]
    [InlineData("run_changed", "x:running")]
    [InlineData("metric_points", "")]
    [InlineData("metric_points", ",,")]
    public void Malformed_payloads_yield_nothing(string channel, string payload) =>
        RunChangeFeed.Parse(channel, payload).Should().BeEmpty();

    [Fact]
    public void Malformed_parts_of_a_metric_notice_are_skipped()
    {
        RunChangeFeed.Parse("metric_points", "1,x,,2").Select(c => c.RunId).Should().Equal(1, 2);
    }
}
