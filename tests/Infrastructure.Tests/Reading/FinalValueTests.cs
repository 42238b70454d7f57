using Dashboard.Domain.Metrics;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Reading;
using Dashboard.Testing;

namespace Dashboard.Infrastructure.Tests.Reading;

/// <summary>
/// "Final value" is the value at the largest step, the same for the run page and API (KeysAsync), the compare
/// ranking (KeysForRunsAsync) and the experiment's rankings and sweep aggregates (FinalMetricsAsync).
/// </summary>
public sealed class FinalValueTests : ReadingTestBase
{
    [Fact]
    public async Task Every_reader_gives_the_value_at_the_largest_step_whatever_order_the_steps_came_in()
    {
        var run = (await Queue.EnqueueAsync(Submissions.Command())).RunIds[0];
        var writer = new MetricWriter(DataSource);
        var now = DateTimeOffset.UtcNow;
        MetricPoint P(long step, double value) => new(run, "val/loss", step, value, now);
        // Written in this order: a batch out of order, a later step, then a backwards step and a repeat of the largest.
        List<MetricPoint>[] batches = [[P(3, 0.9), P(7, 0.5), P(5, 0.7)], [P(12, 0.31)], [P(11, 0.2), P(12, 0.1)]];
        foreach (var batch in batches) await writer.WriteAsync(batch);

        // The oracle: read the definition off the points by hand (largest step, first written there).
        var expected = batches.SelectMany(b => b).Where(p => p.Step == 12).First().Value;
        expected.Should().Be(0.31);
        FinalValue.Of(batches.SelectMany(b => b))!.Value.Value.Should().Be(expected);

        var queries = new MetricQueries(DataSource);
        (await queries.KeysAsync(run)).Single().LastValue.Should().Be(expected);
        (await queries.KeysForRunsAsync([run]))[run].Single().LastValue.Should().Be(expected);
        (await new ExperimentReader(Db, DataSource).FinalMetricsAsync([run]))[run]["val/loss"].Should().Be(expected);
    }
}
