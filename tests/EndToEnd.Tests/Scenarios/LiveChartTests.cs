using Dashboard.EndToEnd.Tests.Api;
using Dashboard.EndToEnd.Tests.Pages;

namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>The run page's loss chart grows while the run prints metric lines, without a reload, and misses no point.</summary>
[Collection(DashboardCollection.Name)]
public sealed class LiveChartTests(DashboardFixture dashboard, ITestOutputHelper output)
{
    private const int Steps = 100;

    [Fact]
    public async Task The_loss_chart_grows_live_while_the_run_reports_and_ends_with_every_point()
    {
        using var api = dashboard.Api();
        var created = await api.CreateExperimentAsync(CommandExperiments.Request(
            CommandExperiments.UniqueName("live chart"), CommandExperiments.LossCurve(Steps, delaySeconds: 0.2), totalSteps: Steps));
        var runId = created.RunIds.Single();
        await api.WaitForRunAsync(runId, state => state == "running", TimeSpan.FromMinutes(1), "to start");

        await using var browser = await dashboard.OpenSignedInBrowserAsync(output);
        var run = await new RunPage(browser, runId).OpenAsync();
        await Expect(run.State).ToContainTextAsync("running", new() { IgnoreCase = true });
        await run.WaitForChartPointsAsync("loss", 0);
        var first = await run.ChartPointCountAsync("loss");
        await browser.ScreenshotAsync("chart-first-points");

        await browser.Page.EvaluateAsync("() => window.__e2eDocument = 'kept'");
        // A page that opened late on a loaded machine may find fewer than 10 steps to go.
        await run.WaitForChartPointsAsync("loss", Math.Min(first + 10, Steps));
        (await browser.Page.EvaluateAsync<string?>("() => window.__e2eDocument")).Should().Be("kept", "the chart grows in place");
        browser.Circuit.Circuits.Should().Be(1);
        await browser.ScreenshotAsync("chart-growing");

        await api.WaitForFinishAsync(runId, TimeSpan.FromMinutes(1));
        await Expect(run.State).ToContainTextAsync("succeeded", new() { IgnoreCase = true });
        await run.WaitForChartPointsAsync("loss", Steps - 1);
        (await run.ChartPointCountAsync("loss")).Should().Be(Steps);
        await browser.ScreenshotAsync("chart-complete");
    }
    /// <summary>
    /// Makes the first draw of each chart take 1.5 s of the browser's main thread (a slow machine's first plotly draw),
    /// so points arrive while it runs and the page re-renders meanwhile. The draw's completion then reaches the server
    /// before the browser acknowledges the newer render; the chart used to record the newer traces as drawn, and the
    /// points in them stayed missing from the live chart until the run's final reload.
    /// </summary>
    private const string SlowFirstDraw = """
        (() => {
            let charts;
            const drawn = new WeakSet();
            Object.defineProperty(window, "dashboardCharts", { configurable: true, get: () => charts, set: value => {
                const render = value.render;
                value.render = function (element, ...rest) {
                    if (element && !drawn.has(element)) {
                        drawn.add(element);
                        const until = performance.now() + 1500;
                        while (performance.now() < until) { }
                    }
                    return render.call(this, element, ...rest);
                };
                charts = value;
            } });
        })();
        """;

    [Fact]
    public async Task Points_that_arrive_while_the_first_draw_runs_reach_the_live_chart()
    {
        // Long enough to still report once a page on a loaded machine is open; cancelled once checked.
        const int steps = 600;
        using var api = dashboard.Api();
        var created = await api.CreateExperimentAsync(CommandExperiments.Request(
            CommandExperiments.UniqueName("slow first draw"), CommandExperiments.LossCurve(steps, delaySeconds: 0.1), totalSteps: steps));
        var runId = created.RunIds.Single();
        await api.WaitForRunAsync(runId, state => state == "running", TimeSpan.FromMinutes(1), "to start");

        await using var browser = await dashboard.OpenSignedInBrowserAsync(output);
        await browser.Page.AddInitScriptAsync(SlowFirstDraw);
        var run = await new RunPage(browser, runId).OpenAsync();
        await run.WaitForChartPointsAsync("loss", 0);
        var first = await run.ChartPointCountAsync("loss");
        await run.WaitForChartPointsAsync("loss", first + 5);

        // Read while the run still reports: its end reloads every chart, which would hide a gap.
        var (drawn, state) = await run.ChartStepsAndStateAsync("loss");
        state.Should().Contain("running", "the check must see the live chart, before the final reload (lengthen the run if it fails here)");
        drawn.Should().Equal(Enumerable.Range(0, drawn.Count).Select(i => (double)i),
            "the live chart holds every step from 0 to the newest, none left out around its first draw");
        await api.CancelRunAsync(runId);
        await api.WaitForFinishAsync(runId, TimeSpan.FromMinutes(1));
    }
}
