using Dashboard.EndToEnd.Tests.Api;
using Dashboard.EndToEnd.Tests.Pages;

namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>Cancelling a running run from its page stops it within seconds (the README promises about 2 s).</summary>
[Collection(DashboardCollection.Name)]
public sealed class CancelRunTests(DashboardFixture dashboard, ITestOutputHelper output)
{
    [Fact(Skip = Needs.CancelOnRunPage)]
    public async Task Cancelling_a_running_run_on_its_page_stops_it_and_the_page_says_so()
    {
        using var api = dashboard.Api();
        // Five minutes of metric lines: long enough that only the cancel can end it within the test.
        var created = await api.CreateExperimentAsync(CommandExperiments.Request(
            CommandExperiments.UniqueName("to cancel"), CommandExperiments.LossCurve(600, delaySeconds: 0.5), totalSteps: 600));
        var runId = created.RunIds.Single();
        await api.WaitForRunAsync(runId, state => state == "running", TimeSpan.FromMinutes(1), "to start");

        await using var browser = await dashboard.OpenSignedInBrowserAsync(output);
        var run = await new RunPage(browser, runId).OpenAsync();
        await Expect(run.State).ToContainTextAsync("running", new() { IgnoreCase = true });
        await browser.ScreenshotAsync("running");

        await run.CancelAsync();

        await Expect(run.State).ToContainTextAsync("cancelled", new() { IgnoreCase = true, Timeout = 20_000 });
        await browser.ScreenshotAsync("cancelled");
        (await api.GetRunAsync(runId))["state"]!.GetValue<string>().Should().Be("cancelled");
        await Expect(run.Cancel).Not.ToBeVisibleAsync();
    }
}
