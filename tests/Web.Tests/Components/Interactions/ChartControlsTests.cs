using Bunit;
using Dashboard.Web.Components.Charts;
using Dashboard.Web.Components.Metrics;
using Dashboard.Web.Tests.Support;

namespace Dashboard.Web.Tests.Components.Interactions;

/// <summary>Smoothing, x axis and log scale from the chart controls reach a chart as the calls the browser gets.</summary>
public sealed class ChartControlsTests
{
    [Fact]
    public void Each_control_changes_the_options_and_the_chart_sends_only_what_changed()
    {
        using var context = ComponentContext.Create();
        var render = context.JSInterop.SetupVoid("dashboardCharts.render", _ => true);
        var relayout = context.JSInterop.SetupVoid("dashboardCharts.relayout", _ => true);
        var smooth = context.JSInterop.SetupVoid("dashboardCharts.smooth", _ => true);
        context.JSInterop.SetupVoid("dashboardCharts.dispose", _ => true);

        var options = new ChartOptions();
        var controls = context.Render<ChartControls>(p => p
            .Add(x => x.Options, options)
            .Add(x => x.OptionsChanged, (ChartOptions o) => options = o));
        // The page binds the options both ways: each change comes back as the controls' parameter.
        void Bound() => controls.Render(p => p.Add(x => x.Options, options));
        ChartTrace[] traces = [new("loss", [0, 1, 2], [3, 2, 1])];
        ChartLayout Layout() => new() { LogY = options.LogY, XType = options.XAxis == XAxisMode.Clock ? "date" : "linear" };
        var chart = context.Render<Chart>(p => p.Add(x => x.Traces, traces).Add(x => x.Layout, Layout()).Add(x => x.Smoothing, options.Smoothing));
        render.Invocations.Should().ContainSingle();
        render.Invocations.Single().Arguments[2].Should().Be(new ChartLayout());

        controls.Find("[data-testid=smoothing]").Input("0.6");
        options.Smoothing.Should().Be(0.6);
        Bound();
        controls.Find("[data-testid=log-scale]").Change(true);
        options.LogY.Should().BeTrue();
        Bound();
        controls.Find("[data-testid=x-axis]").Change(nameof(XAxisMode.Clock));
        options.XAxis.Should().Be(XAxisMode.Clock);

        chart.Render(p => p.Add(x => x.Layout, Layout()).Add(x => x.Smoothing, options.Smoothing)); // the traces stay as they were
        // What the browser was told last: the new layout (log y, clock x) and the smoothing, whether redrawn or updated.
        var last = render.Invocations.Select(i => (Layout: i.Arguments[2], Smoothing: i.Arguments[3]))
            .Concat(relayout.Invocations.Select(i => (Layout: i.Arguments[1], Smoothing: (object?)null))).ToList();
        last.Select(x => x.Layout).Should().Contain(new ChartLayout { LogY = true, XType = "date" });
        render.Invocations.Select(i => i.Arguments[3]).Concat(smooth.Invocations.Select(i => i.Arguments[1])).Should().Contain(0.6);
    }
}
