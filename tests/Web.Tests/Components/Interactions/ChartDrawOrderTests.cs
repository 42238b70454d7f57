using System.Text.Json;
using Bunit;
using Dashboard.Web.Components.Charts;
using Dashboard.Web.Tests.Support;

namespace Dashboard.Web.Tests.Components.Interactions;

/// <summary>
/// A live chart keeps every point whatever order its render callbacks and the browser's answers come in: what it
/// records as drawn is what it sent, and an append never goes ahead of traces that are still to be sent.
/// </summary>
public sealed class ChartDrawOrderTests
{
    [Fact]
    public async Task Traces_handed_over_while_the_first_draw_runs_are_sent_once_it_returns_and_appends_wait_for_them()
    {
        using var context = ComponentContext.Create();
        var render = context.JSInterop.SetupVoid("dashboardCharts.render", _ => true); // pending until SetVoidResult
        var extend = context.JSInterop.SetupVoid("dashboardCharts.extend", _ => true);
        extend.SetVoidResult();
        context.JSInterop.SetupVoid("dashboardCharts.dispose", _ => true).SetVoidResult();
        var chart = context.Render<Chart>(p => p.Add(x => x.Traces, [new ChartTrace("loss", [0], [1.0])]));
        render.Invocations.Should().ContainSingle();

        // The page appends step 1 while the browser draws step 0 and hands the chart the rebuilt traces. On Blazor
        // Server the after-render callback of that render waits for the browser to acknowledge it, which can come
        // after the first draw returned; bUnit runs the callback at once, so the parameter is set as the parent's
        // render sets it, the draw returns, and only then does the callback run.
#pragma warning disable BL0005 // the parent's render, without its immediate after-render callback
        chart.Instance.Traces = [new ChartTrace("loss", [0, 1], [1.0, 0.5])];
#pragma warning restore BL0005
        (await chart.InvokeAsync(() => chart.Instance.ExtendAsync([0], [[2.0]], [[0.3]]))).Should()
            .BeFalse("the traces with step 1 are not sent yet: they would replace step 2 appended now, so the page redraws instead");
        render.SetVoidResult();
        chart.Render();

        render.Invocations.Should().HaveCount(2, "the traces with step 1 were never sent, whatever the parameter read when the first draw returned");
        XBytes(render.Invocations.Last()).Should().Be(2 * sizeof(float), "the second render carries steps 0 and 1");
        (await chart.InvokeAsync(() => chart.Instance.ExtendAsync([0], [[2.0]], [[0.3]]))).Should().BeTrue();
        extend.Invocations.Should().ContainSingle();
    }

    [Fact]
    public async Task An_append_while_the_first_draw_runs_goes_after_it_without_a_redraw()
    {
        using var context = ComponentContext.Create();
        var render = context.JSInterop.SetupVoid("dashboardCharts.render", _ => true); // the draw has not returned
        context.JSInterop.SetupVoid("dashboardCharts.extend", _ => true).SetVoidResult();
        context.JSInterop.SetupVoid("dashboardCharts.dispose", _ => true).SetVoidResult();
        var chart = context.Render<Chart>(p => p.Add(x => x.Traces, [new ChartTrace("loss", [0], [1.0])]));

        // The browser runs interop calls in the order sent: the append lands on the traces being drawn.
        (await chart.InvokeAsync(() => chart.Instance.ExtendAsync([0], [[1.0]], [[0.5]]))).Should().BeTrue();
        render.Invocations.Should().ContainSingle();
    }

    private static int XBytes(JSRuntimeInvocation invocation)
    {
        var traces = JsonSerializer.SerializeToElement(invocation.Arguments[1]);
        return Convert.FromBase64String(traces[0].GetProperty("x").GetString()!).Length;
    }
}
