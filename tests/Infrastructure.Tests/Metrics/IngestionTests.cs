using Dashboard.Domain.Metrics;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Tests.Queue;
using Dashboard.Testing;

namespace Dashboard.Infrastructure.Tests.Metrics;

public sealed class IngestionTests : QueueTestBase
{
    private async Task<long> NewRunAsync() => (await Queue.EnqueueAsync(Submissions.Command())).RunIds[0];

    [Fact]
    public async Task A_retried_batch_never_duplicates_a_point()
    {
        var run = await NewRunAsync();
        var writer = new MetricWriter(DataSource);
        var now = DateTimeOffset.UtcNow;
        var batch = Enumerable.Range(0, 1000)
            .SelectMany(step => new[] { new MetricPoint(run, "loss", step, 1.0 / (step + 1), now), new MetricPoint(run, "val/loss", step, 2.0, now) })
            .ToList();
        (await writer.WriteAsync(batch)).Should().Be(2000);
        (await writer.WriteAsync(batch)).Should().Be(0);
        (await writer.WriteAsync(batch.Take(10).Append(new MetricPoint(run, "loss", 1000, 0.5, now)).ToList())).Should().Be(1);
        (await ScalarAsync<long>("SELECT coalesce(sum(count), 0)::bigint FROM metric_series WHERE run_id = $1", run)).Should().Be(2001);
        var keys = await new MetricQueries(DataSource).KeysAsync(run);
        keys.Select(k => k.Key).Should().Equal("loss", "val/loss");
        keys[0].LastStep.Should().Be(1000);
        keys[0].LastValue.Should().Be(0.5);
    }

    [Fact]
    public async Task A_late_point_for_an_earlier_step_is_kept_and_a_re_reported_step_keeps_its_first_value()
    {
        var run = await NewRunAsync();
        var writer = new MetricWriter(DataSource);
        var now = DateTimeOffset.UtcNow;
        await writer.WriteAsync([new MetricPoint(run, "loss", 10, 1.0, now), new MetricPoint(run, "loss", 30, 3.0, now)]);
        (await writer.WriteAsync([new MetricPoint(run, "loss", 20, 2.0, now), new MetricPoint(run, "loss", 30, 99.0, now),
            new MetricPoint(run, "loss", 40, 4.0, now)])).Should().Be(2);
        var series = await new MetricQueries(DataSource).SeriesAsync(run, "loss");
        series.Points.Select(p => (p.Step, p.Value)).Should().Equal((10, 1.0), (20, 2.0), (30, 3.0), (40, 4.0));
        (await new MetricQueries(DataSource).SeriesAsync(run, "loss", fromStep: 25)).Points.Select(p => p.Step).Should().Equal(30, 40);
    }

    [Fact]
    public async Task A_batch_with_an_invalid_key_is_refused_whole()
    {
        var run = await NewRunAsync();
        var act = () => new MetricWriter(DataSource).WriteAsync([new MetricPoint(run, "ok", 0, 1, DateTimeOffset.UtcNow),
            new MetricPoint(run, "bad key!", 0, 1, DateTimeOffset.UtcNow)]);
        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*bad key!*");
        (await ScalarAsync<long>("SELECT coalesce(sum(count), 0)::bigint FROM metric_series WHERE run_id = $1", run)).Should().Be(0);
    }

    [Fact]
    public async Task NaN_and_infinity_are_kept()
    {
        var run = await NewRunAsync();
        await new MetricWriter(DataSource).WriteAsync([new MetricPoint(run, "loss", 0, double.NaN, DateTimeOffset.UtcNow),
            new MetricPoint(run, "loss", 1, double.PositiveInfinity, DateTimeOffset.UtcNow)]);
        var series = await new MetricQueries(DataSource).SeriesAsync(run, "loss");
        series.Points.Select(p => p.Value).Should().Equal(double.NaN, double.PositiveInfinity);
    }

    [Fact]
    public async Task A_long_series_is_downsampled_to_at_most_the_asked_points_keeping_its_extremes()
    {
        var run = await NewRunAsync();
        var now = DateTimeOffset.UtcNow;
        var points = Enumerable.Range(0, 50_000)
            .Select(step => new MetricPoint(run, "loss", step, step == 31_337 ? 100.0 : step == 7 ? -5.0 : Math.Sin(step / 500.0), now.AddMilliseconds(step)))
            .ToList();
        await new MetricWriter(DataSource).WriteAsync(points);
        var series = await new MetricQueries(DataSource).SeriesAsync(run, "loss", maxPoints: 500);
        series.Downsampled.Should().BeTrue();
        series.RawCount.Should().Be(50_000);
        series.Points.Count.Should().BeLessThanOrEqualTo(500).And.BeGreaterThan(400);
        series.Points.Select(p => p.Step).Should().BeInAscendingOrder();
        series.Points.Max(p => p.Value).Should().Be(100.0, "a spike must survive downsampling");
        series.Points.Min(p => p.Value).Should().Be(-5.0);
        series.Points[0].Step.Should().Be(0);
        series.Points[^1].Step.Should().Be(49_999);
    }

    [Fact]
    public async Task Export_writes_every_point_as_csv_and_json()
    {
        var run = await NewRunAsync();
        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        await new MetricWriter(DataSource).WriteAsync([new MetricPoint(run, "loss", 1, 2.5, at),
            new MetricPoint(run, "loss", 2, double.NaN, at), new MetricPoint(run, "acc", 1, 0.25, at)]);
        var export = new MetricExport(DataSource, new MetricQueries(DataSource));

        using var csv = new MemoryStream();
        await export.WriteCsvAsync(run, csv);
        var lines = System.Text.Encoding.UTF8.GetString(csv.ToArray()).Trim().Split('\n');
        lines.Should().Equal("key,step,value,wall_time", "acc,1,0.25,2026-11-22T10:00:00.000000Z",
            "loss,1,2.5,2026-11-22T10:00:00.000000Z", "loss,2,NaN,2026-11-22T10:00:00.000000Z");

        using var json = new MemoryStream();
        await export.WriteJsonAsync(run, json);
        var doc = System.Text.Json.Nodes.JsonNode.Parse(json.ToArray())!;
        doc["series"]!["loss"]!.AsArray().Should().HaveCount(2);
        doc["series"]!["loss"]![1]![1]!.GetValue<string>().Should().Be("NaN");
        doc["series"]!["acc"]![0]![1]!.GetValue<double>().Should().Be(0.25);
    }
}
