using Dashboard.EndToEnd.Tests.Api;
using Dashboard.EndToEnd.Tests.Pages;

namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>A sweep of command runs made in the New experiment form: axes and seeds, the run-count preview, and every run done.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SweepTests(DashboardFixture dashboard, ITestOutputHelper output)
{
    [Fact(Skip = Needs.PagesAndAuth)]
    public async Task A_sweep_made_in_the_form_queues_one_run_per_point_and_seed_and_they_all_succeed()
    {
        await using var browser = await dashboard.OpenSignedInBrowserAsync(output);
        var form = await new NewExperimentPage(browser).OpenAsync();
        await form.ChooseFamilyAsync("command");
        var name = CommandExperiments.UniqueName("form sweep");
        await form.Name.FillAsync(name);
        await browser.ScreenshotAsync("form-empty");

        // Bad input first: a command is required, and the form says so before anything is queued.
        await form.Field("command").FillAsync("");
        await form.Submit.ClickAsync();
        await Expect(form.ValidationMessages.First).ToBeVisibleAsync();
        await browser.ScreenshotAsync("form-invalid");

        await form.Field("command").FillAsync("echo lr={lr} seed=$DASHBOARD_SEED; " + CommandExperiments.LossCurve(steps: 3));
        await form.Field("total_steps").FillAsync("3");
        await form.AddSweepAxisAsync(0, "lr", "0.1, 0.01");
        await form.Seeds.FillAsync("2");
        await Expect(form.RunCountPreview).ToContainTextAsync("4");
        await browser.ScreenshotAsync("form-filled");

        var experimentId = await form.SubmitAsync();
        var experiment = new ExperimentPage(browser, experimentId);
        await browser.Circuit.InteractiveAsync();
        await Expect(experiment.Heading).ToContainTextAsync(name);
        await Expect(experiment.RunRows).ToHaveCountAsync(4);
        await browser.ScreenshotAsync("experiment-queued");
        await Expect(experiment.RunStates).ToHaveTextAsync(
            Enumerable.Repeat("succeeded", 4).ToArray(), new() { Timeout = 120_000, IgnoreCase = true });
        await browser.ScreenshotAsync("experiment-done");

        using var api = dashboard.Api();
        var runs = (await api.GetExperimentAsync(experimentId)).Body["runs"]!.AsArray();
        runs.Select(r => (r!["config"]!["lr"]!.GetValue<double>(), r["seed"]!.GetValue<long>()))
            .Should().BeEquivalentTo(new[] { (0.1, 0L), (0.1, 1L), (0.01, 0L), (0.01, 1L) });
        runs.Should().OnlyContain(r => r!["state"]!.GetValue<string>() == "succeeded");
    }
}
