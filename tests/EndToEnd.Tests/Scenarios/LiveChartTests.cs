using Dashboard.EndToEnd.Tests.Api;
using Dashboard.EndToEnd.Tests.Pages;

namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>The run page's loss chart grows while the run prints metric lines, without a reload.</summary>
[Collection(DashboardCollection.Name)]
public sealed class LiveChartTests(DashboardFixture dashboard, ITestOutputHelper output)
{
    private const int Steps = 60;

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
        await run.WaitForChartPointsAsync("loss", first + 10);
        (await browser.Page.EvaluateAsync<string?>("() => window.__e2eDocument")).Should().Be("kept", "the chart grows in place");
        browser.Circuit.Circuits.Should().Be(1);
        await browser.ScreenshotAsync("chart-growing");

        await api.WaitForFinishAsync(runId, TimeSpan.FromMinutes(1));
        await Expect(run.State).ToContainTextAsync("succeeded", new() { IgnoreCase = true });
        await run.WaitForChartPointsAsync("loss", Steps - 1);
        (await run.ChartPointCountAsync("loss")).Should().Be(Steps);
        await browser.ScreenshotAsync("chart-complete");
    }
}
