using Dashboard.Domain.Metrics;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Tests.Queue;
using Dashboard.Testing;

namespace Dashboard.Infrastructure.Tests.Metrics;

/// <summary>The reads live charts make: points after the last drawn step, and one key of many runs at once.</summary>
public sealed class LiveQueryTests : QueueTestBase
{
    private async Task<long> NewRunAsync() => (await Queue.EnqueueAsync(Submissions.Command())).RunIds[0];

    private async Task WriteAsync(long run, string key, IEnumerable<int> steps, Func<int, double>? value = null)
    {
        var start = DateTimeOffset.UtcNow;
        await new MetricWriter(DataSource).WriteAsync(steps.Select(s => new MetricPoint(run, key, s, value?.Invoke(s) ?? s * 0.5, start.AddSeconds(s))).ToList());
    }

    [Fact]
    public async Task After_step_n_returns_only_later_points_across_batches()
    {
        var run = await NewRunAsync();
        await WriteAsync(run, "loss", Enumerable.Range(0, 10));
        await WriteAsync(run, "loss", Enumerable.Range(10, 5));
        var queries = new MetricQueries(DataSource);

        var after = await queries.SeriesAfterAsync(run, "loss", afterStep: 9);
        after.Points.Select(p => p.Step).Should().Equal(10, 11, 12, 13, 14);
        after.Points.Select(p => p.Value).Should().Equal(5.0, 5.5, 6.0, 6.5, 7.0);
        after.Downsampled.Should().BeFalse();
        (await queries.SeriesAfterAsync(run, "loss", afterStep: 14)).Points.Should().BeEmpty();
        (await queries.SeriesAfterAsync(run, "loss", afterStep: long.MaxValue)).Points.Should().BeEmpty();
        (await queries.SeriesAfterAsync(run, "loss", afterStep: long.MinValue)).Points.Should().HaveCount(15);
        (await queries.SeriesAfterAsync(run, "missing", afterStep: 0)).Points.Should().BeEmpty();
    }

    [Fact]
    public async Task After_step_n_is_downsampled_when_more_arrived_than_a_chart_takes_and_keeps_spikes()
    {
        var run = await NewRunAsync();
        await WriteAsync(run, "loss", Enumerable.Range(0, 20_000), s => s == 15_000 ? 1e6 : 1.0 / (s + 1));
        var after = await new MetricQueries(DataSource).SeriesAfterAsync(run, "loss", afterStep: 9_999, maxPoints: 500);
        after.Downsampled.Should().BeTrue();
        after.RawCount.Should().Be(10_000);
        after.Points.Count.Should().BeLessThanOrEqualTo(500);
        after.Points.Should().OnlyContain(p => p.Step >= 10_000);
        after.Points.Max(p => p.Value).Should().Be(1e6);
        after.Points[^1].Step.Should().Be(19_999, "the last step drawn is where the next fetch starts");
    }

    [Fact]
    public async Task One_key_of_several_runs_comes_back_per_run_and_downsampled()
    {
        var a = await NewRunAsync();
        var b = await NewRunAsync();
        var c = await NewRunAsync();
        await WriteAsync(a, "loss", Enumerable.Range(0, 5000));
        await WriteAsync(b, "loss", Enumerable.Range(0, 30));
        await WriteAsync(b, "loss", Enumerable.Range(30, 30));
        await WriteAsync(c, "acc", Enumerable.Range(0, 10));
        var series = await new MetricQueries(DataSource).SeriesForRunsAsync([a, b, c], "loss", maxPoints: 1000);

        series.Keys.Should().BeEquivalentTo([a, b]);
        series[a].Downsampled.Should().BeTrue();
        series[a].Points.Count.Should().BeLessThanOrEqualTo(1000);
        series[a].RawCount.Should().Be(5000);
        series[b].Points.Select(p => p.Step).Should().Equal(Enumerable.Range(0, 60).Select(i => (long)i));
    }

    [Fact]
    public async Task Keys_of_several_runs_include_runs_without_any()
    {
        var a = await NewRunAsync();
        var b = await NewRunAsync();
        await WriteAsync(a, "loss", Enumerable.Range(0, 3));
        await WriteAsync(a, "val/loss", [0, 2]);
        var keys = await new MetricQueries(DataSource).KeysForRunsAsync([a, b]);
        keys[a].Select(k => (k.Key, k.LastStep, k.Count)).Should().Equal(("loss", 2L, 3L), ("val/loss", 2L, 2L));
        keys[b].Should().BeEmpty();
    }

    [Fact]
    public async Task The_streamed_comparison_read_downsamples_exactly_like_the_single_series_read()
    {
        var run = await NewRunAsync();
        // Uneven batches, a NaN, an infinity, a spike, and a late batch of earlier steps (chunks out of order).
        await WriteAsync(run, "loss", Enumerable.Range(0, 3000).Where(s => s % 7 != 3), s => s == 1234 ? double.NaN : s == 2223 ? 1e9 : Math.Sin(s / 50.0));
        await WriteAsync(run, "loss", Enumerable.Range(3000, 2500), s => s == 4000 ? double.PositiveInfinity : Math.Cos(s / 80.0));
        await WriteAsync(run, "loss", Enumerable.Range(0, 3000).Where(s => s % 7 == 3), s => -2.0);
        var queries = new MetricQueries(DataSource);

        var single = await queries.SeriesAsync(run, "loss", maxPoints: 300);
        var streamed = (await queries.SeriesForRunsAsync([run], "loss", maxPoints: 300))[run];
        single.Downsampled.Should().BeTrue();
        streamed.RawCount.Should().Be(single.RawCount).And.Be(5500);
        var firstDifference = Enumerable.Range(0, Math.Min(single.Points.Count, streamed.Points.Count))
            .FirstOrDefault(i => !single.Points[i].Equals(streamed.Points[i]), -1);
        firstDifference.Should().Be(-1, $"streamed {(firstDifference < 0 ? "" : streamed.Points[firstDifference].ToString())} vs single {(firstDifference < 0 ? "" : single.Points[firstDifference].ToString())}");
        streamed.Points.Should().HaveSameCount(single.Points);
        streamed.Points.Should().Contain(p => double.IsNaN(p.Value)).And.Contain(p => p.Value == 1e9).And.Contain(p => p.Value == -2.0);
    }
}
