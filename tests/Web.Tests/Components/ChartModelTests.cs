using System.Runtime.InteropServices;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Web.Components.Charts;
using Dashboard.Web.Components.Compare;
using Dashboard.Web.Components.Metrics;

namespace Dashboard.Web.Tests.Components;

public sealed class ChartModelTests
{
    [Fact]
    public void Train_and_validation_splits_share_a_chart_and_the_primary_metric_comes_first()
    {
        var groups = MetricGroups.ForRun(3, ["acc", "grad_norm", "loss", "val/loss", "train/acc", "gpu/mem_peak_mb", "val_acc"], primaryMetric: "loss");
        groups.Select(g => (g.Id, string.Join(",", g.Traces.Select(t => t.Key)))).Should().Equal(
            ("loss", "loss,val/loss"), ("acc", "acc,train/acc,val_acc"), ("gpu-mem_peak_mb", "gpu/mem_peak_mb"), ("grad_norm", "grad_norm"));
        MetricGroups.TestIdOf("Val/Loss:ema.9").Should().Be("val-loss-ema-9");
    }

    [Fact]
    public void A_comparison_charts_the_keys_two_runs_share_one_line_per_run()
    {
        SeriesSummary S(string key) => new(key, 1, 1, 1, 1, 1);
        var keys = new Dictionary<long, IReadOnlyList<SeriesSummary>>
        {
            [1] = [S("loss"), S("reward")], [2] = [S("loss"), S("acc")], [3] = [S("loss"), S("acc")],
        };
        var groups = MetricGroups.ForComparison([1, 2, 3], keys, id => $"run {id}", "loss", id => $"#00000{id}");
        groups.Select(g => g.Id).Should().Equal("loss", "acc");
        groups[0].Traces.Select(t => (t.RunId, t.Name, t.Color)).Should().Equal((1L, "run 1", "#000001"), (2L, "run 2", "#000002"), (3L, "run 3", "#000003"));
        groups[1].Traces.Select(t => t.RunId).Should().Equal(2L, 3L);
    }

    [Fact]
    public void Steps_travel_as_float32_and_wall_times_and_values_as_float64()
    {
        ChartPayload.XBits([[0, 1, 16_777_215]]).Should().Be(32);
        ChartPayload.XBits([[0, 1.5]]).Should().Be(64);
        ChartPayload.XBits([[1_733_000_000_000]]).Should().Be(64);
        MemoryMarshal.Cast<byte, float>(ChartPayload.Encode([3, 5], 32)).ToArray().Should().Equal(3f, 5f);
        MemoryMarshal.Cast<byte, double>(ChartPayload.Encode([double.NaN, 1e300], 64)).ToArray().Should().Equal(double.NaN, 1e300);
    }

    [Fact]
    public void Relative_wall_time_counts_from_each_runs_first_point_in_a_readable_unit()
    {
        var start = DateTimeOffset.UnixEpoch.AddDays(20_000);
        var a = new LiveTrace(new TraceSpec(1, "loss", "a"));
        a.Replace([new SeriesPoint(0, 1, start), new SeriesPoint(10, 1, start.AddMinutes(30))]);
        var b = new LiveTrace(new TraceSpec(2, "loss", "b"));
        b.Replace([new SeriesPoint(0, 1, start.AddHours(5)), new SeriesPoint(10, 1, start.AddHours(5).AddMinutes(6))]);
        var frame = XAxisFrame.For(XAxisMode.RelativeTime, [a, b]);
        frame.Title.Should().Be("wall time (min)");
        frame.X(2, b.Points[1]).Should().BeApproximately(6, 1e-9);
        XAxisFrame.For(XAxisMode.Clock, [a]).X(1, a.Points[0]).Should().Be(start.ToUnixTimeMilliseconds());
        XAxisFrame.For(XAxisMode.Clock, [a]).PlotlyType.Should().Be("date");
    }

    [Theory]
    [InlineData("3,7,12", new long[] { 3, 7, 12 }, null)]
    [InlineData(" 3, #7 ,3 ", new long[] { 3, 7 }, null)]
    [InlineData("3,x", new long[0], "'x' is not a run id")]
    [InlineData("", new long[0], "No runs to compare")]
    [InlineData("0", new long[0], "'0' is not a run id")]
    public void Compare_addresses_list_run_ids(string text, long[] ids, string? problem)
    {
        var parsed = CompareSelection.Parse(text);
        parsed.Ids.Should().Equal(ids);
        if (problem is null) parsed.Problem.Should().BeNull();
        else parsed.Problem.Should().Contain(problem);
    }
}
