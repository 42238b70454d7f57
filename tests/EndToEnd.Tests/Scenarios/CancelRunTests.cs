using System.Diagnostics;
using Dashboard.EndToEnd.Tests.Api;
using Dashboard.EndToEnd.Tests.Pages;

namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>Cancelling a running run from its action bar stops it within seconds (the README promises about 2 s), and the page says so.</summary>
[Collection(DashboardCollection.Name)]
public sealed class CancelRunTests(DashboardFixture dashboard, ITestOutputHelper output)
{
    [Fact]
    public async Task Cancelling_a_running_run_from_the_experiment_page_stops_it_and_the_page_says_so()
    {
        using var api = dashboard.Api();
        // Five minutes of metric lines: long enough that only the cancel can end it within the test.
        var created = await api.CreateExperimentAsync(CommandExperiments.Request(
            CommandExperiments.UniqueName("to cancel"), CommandExperiments.LossCurve(600, delaySeconds: 0.5), totalSteps: 600));
        var runId = created.RunIds.Single();
        await api.WaitForRunAsync(runId, state => state == "running", TimeSpan.FromMinutes(1), "to start");

        await using var browser = await dashboard.OpenSignedInBrowserAsync(output);
        var experiment = await new ExperimentPage(browser, created.ExperimentId).OpenAsync();
        await Expect(experiment.StateOf(runId)).ToHaveAttributeAsync("data-state", "running");
        await experiment.SelectRunAsync(runId);
        await browser.ScreenshotAsync("running-selected");

        var clock = Stopwatch.StartNew();
        await experiment.CancelRun.ClickAsync();

        await Expect(experiment.RunActionMessage).ToBeVisibleAsync();
        await Expect(experiment.StateOf(runId)).ToHaveAttributeAsync("data-state", "cancelled", new() { Timeout = 20_000 });
        output.WriteLine($"cancelled on the page {clock.Elapsed.TotalSeconds:0.0} s after the click");
        await Expect(experiment.StateOf(runId)).ToHaveTextAsync("cancelled");
        await Expect(experiment.CancelRun).ToHaveCountAsync(0);
        await browser.ScreenshotAsync("cancelled");
        (await api.GetRunAsync(runId))["state"]!.GetValue<string>().Should().Be("cancelled");
    }
}
