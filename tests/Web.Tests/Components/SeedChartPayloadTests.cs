using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Runs;
using Dashboard.Web.Components.Charts;
using Dashboard.Web.Components.Experiments;
using Dashboard.Web.Components.Metrics;

namespace Dashboard.Web.Tests.Components;

/// <summary>What the charts across seeds and the parallel coordinates hand to charts.js.</summary>
public sealed class SeedChartPayloadTests
{
    private static readonly SeriesSample[] Seeds =
    [
        new(1, [0, 10, 20], [1, 2, 3]),
        new(2, [0, 5, 10, 15, 20], [2, 2, 4, 4, 6]),
        new(3, [5, 15, 25], [0, 1, 5]),
    ];

    [Fact]
    public void A_config_is_a_median_line_over_its_iqr_band_and_optionally_a_lighter_min_max_band()
    {
        var group = new BandGroup("depth=12, variant=hc", [1, 2, 3], "#4f6bed");
        var band = SeedBands.Of(group.Label, Seeds, BandStatistic.MedianIqr, 100);
        var traces = SeedBandSet.Traces([(group, band)], BandStatistic.MedianIqr, minMax: true);
        traces.Select(t => (t.Name, t.Fill, t.LineWidth)).Should().Equal(
            ("depth=12, variant=hc · min", null, 0), ("depth=12, variant=hc · max", "tonexty", 0),
            ("depth=12, variant=hc · IQR low", null, 0), ("depth=12, variant=hc · IQR high", "tonexty", 0),
            ("depth=12, variant=hc (median of 3)", null, 2));
        traces[3].FillOpacity.Should().BeGreaterThan(traces[1].FillOpacity!.Value, "the min–max band is the lighter one");
        traces[4].Y.Should().Equal(1.5, 1.5, 2, 2.5, 3, 5);
        traces[3].Y.Should().Equal(1.75, 1.75, 3, 3.25, 4.5, 5);
        traces[4].HoverText![0].Should().Be("2 of 3 seeds · IQR 1.25 … 1.75");
        traces.Should().OnlyContain(t => t.Group == group.Label && t.Color == "#4f6bed");
        SeedBandSet.Traces([(group, band)], BandStatistic.MedianIqr, minMax: false).Should().HaveCount(3);

        // On the wire: steps as float32, values as float64 (NaN survives), and the band fields by name.
        var payload = JsonSerializer.SerializeToNode(ChartPayload.Trace(traces[3], 32))!;
        payload["fill"]!.GetValue<string>().Should().Be("tonexty");
        payload["lineWidth"]!.GetValue<double>().Should().Be(0);
        payload["inLegend"]!.GetValue<bool>().Should().BeFalse();
        MemoryMarshal.Cast<byte, double>(ChartPayload.Encode(traces[3].Y, 64)).ToArray().Should().Equal(1.75, 1.75, 3, 3.25, 4.5, 5);
        // A plain run line keeps its old, smaller payload.
        JsonSerializer.SerializeToNode(ChartPayload.Trace(new ChartTrace("run", [0], [1]), 32))!.AsObject().ContainsKey("fill").Should().BeFalse();
    }

    [Fact]
    public void The_mean_statistic_labels_its_band_as_a_95_percent_interval()
    {
        var group = new BandGroup("c", [1, 2, 3], "#000000");
        var traces = SeedBandSet.Traces([(group, SeedBands.Of("c", Seeds, BandStatistic.MeanCi, 100))], BandStatistic.MeanCi, false);
        traces.Select(t => t.Name).Should().Equal("c · 95 % CI low", "c · 95 % CI high", "c (mean of 3)");
        traces[2].Y[2].Should().BeApproximately(13.0 / 6, 1e-12);
    }

    [Fact]
    public void Parallel_coordinates_have_an_axis_per_swept_field_and_metric_and_colour_by_the_ranking_metric()
    {
        RunResult Run(long id, string variant, int depth, double loss, double gain, RunState state = RunState.Succeeded) =>
            new(id, new JsonObject { ["variant"] = variant, ["depth"] = depth }, 0, state,
                new Dictionary<string, double> { ["loss"] = loss, ["gain_proxy"] = gain });
        var model = ParallelCoordinatesModel.Of(
            [Run(1, "hc", 12, 0.5, 6.3), Run(2, "mhc", 24, 0.2, -0.6), Run(3, "hc", 48, double.NaN, 7, RunState.Diverged), Run(4, "mhc", 48, 0.1, -0.6, RunState.Running)],
            ["variant", "depth"], ["loss", "gain_proxy"], "loss", higherIsBetter: false);
        model.RunIds.Should().Equal(1, 2);
        model.Left.Should().Be(1, "the diverged run has no finite loss; the running one is not finished");
        model.Dimensions.Select(d => d.Label).Should().Equal("variant", "depth", "loss", "gain_proxy");
        model.Dimensions[0].Values.Should().Equal(0, 1);
        model.Dimensions[0].TickText.Should().Equal("hc", "mhc");
        model.Dimensions[1].TickText.Should().BeNull();
        model.Color.Should().Equal(0.5, 0.2);
        model.ReverseScale.Should().BeTrue("lower loss is better, so the best runs get the bright end");
        var payload = JsonSerializer.SerializeToNode(model.Payload())!;
        payload["runIds"]!.AsArray().Select(n => n!.GetValue<long>()).Should().Equal(1, 2);
        payload["dimensions"]![0]!["ticktext"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("hc", "mhc");
        (payload["colorMin"]!.GetValue<double>(), payload["colorMax"]!.GetValue<double>()).Should().Be((0.2, 0.5));
    }

    [Fact]
    public void Parallel_coordinates_of_runs_that_all_end_on_one_value_colour_around_that_value()
    {
        RunResult Run(long id, int depth, double loss) =>
            new(id, new JsonObject { ["depth"] = depth }, 0, RunState.Succeeded, new Dictionary<string, double> { ["loss"] = loss });
        (double, double) Sent(ParallelCoordinatesModel model)
        {
            var payload = JsonSerializer.SerializeToNode(model.Payload())!;
            return (payload["colorMin"]!.GetValue<double>(), payload["colorMax"]!.GetValue<double>());
        }

        var equal = ParallelCoordinatesModel.Of([Run(1, 12, 0.75), Run(2, 24, 0.75), Run(3, 48, 0.75)], ["depth"], ["loss"], "loss", false);
        var (min, max) = Sent(equal);
        min.Should().BeApproximately(0.7425, 1e-12);
        max.Should().BeApproximately(0.7575, 1e-12);

        Sent(ParallelCoordinatesModel.Of([Run(1, 12, -200), Run(2, 24, -200)], ["depth"], ["loss"], "loss", false)).Should().Be((-202, -198));
        Sent(ParallelCoordinatesModel.Of([Run(1, 12, 0), Run(2, 24, 0)], ["depth"], ["loss"], "loss", false)).Should().Be((-1, 1));
        var (low, high) = Sent(ParallelCoordinatesModel.Of([Run(1, 12, 3)], ["depth"], ["loss"], "loss", false));   // one run alone
        low.Should().BeApproximately(2.97, 1e-12);
        high.Should().BeApproximately(3.03, 1e-12);
    }
}
