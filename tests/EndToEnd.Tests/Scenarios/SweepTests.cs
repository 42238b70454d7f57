using System.Globalization;
using System.Text.RegularExpressions;
using Dashboard.EndToEnd.Tests.Api;
using Dashboard.EndToEnd.Tests.Pages;

namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>A sweep of command runs made in the New experiment form: axes and seeds, the run-count preview, and every run done.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SweepTests(DashboardFixture dashboard, ITestOutputHelper output)
{
    /// <summary>Three points of a loss that starts at the swept lr (plus a little per seed) and halves each step.</summary>
    private const string Script =
        "i=0; while [ $i -lt 3 ]; do " +
        """echo "{\"step\": $i, \"loss\": $(awk "BEGIN{print ({lr} + $DASHBOARD_SEED / 1000) / 2^$i}")}"; """ +
        "i=$((i+1)); done";

    [Fact]
    public async Task A_sweep_made_in_the_form_queues_one_run_per_point_and_seed_and_they_all_succeed()
    {
        await using var browser = await dashboard.OpenSignedInBrowserAsync(output);
        var form = await new NewExperimentPage(browser).OpenAsync();
        await browser.ScreenshotAsync("family-picker");
        await form.ChooseFamilyAsync("command");
        var name = CommandExperiments.UniqueName("form sweep");
        await form.Name.FillAsync(name);
        await browser.ScreenshotAsync("form-empty");

        // Bad input first: a command is required, and the form says so, naming it, before anything is queued.
        await form.Submit.ClickAsync();
        await Expect(form.Errors).ToContainTextAsync("config.command");
        await Expect(form.FieldError("command")).ToBeVisibleAsync();
        await Expect(browser.Page).ToHaveURLAsync(new Uri(dashboard.BaseUrl, "/experiments/new?family=command").ToString());
        await browser.ScreenshotAsync("form-invalid");

        await form.Field("command").FillAsync(Script);
        await form.Field("total_steps").FillAsync("3");
        await form.AddParameterAsync("lr", "0.1");
        await form.AddSweepAxisAsync("lr", "0.1, 0.01");
        await form.Seeds.FillAsync("2");
        await Expect(form.RunCountPreview).ToContainTextAsync("4 runs");
        await Expect(form.FieldError("command")).ToHaveCountAsync(0);
        await Expect(form.Errors).ToHaveCountAsync(0);
        await browser.ScreenshotAsync("form-filled");

        // The same request as YAML, the document POST /api/experiments takes; back in the form nothing is lost.
        await form.EditorTab("yaml").ClickAsync();
        foreach (var line in new[] { @"^family: command$", @"^sweep:$", @"^\s+lr:", @"^\s+seeds: 2$" })
            await Expect(form.RequestText).ToHaveValueAsync(new Regex(line, RegexOptions.Multiline));
        await browser.ScreenshotAsync("yaml");
        await form.EditorTab("form").ClickAsync();
        await Expect(form.AxisValues.First).ToHaveValueAsync("0.1, 0.01");
        await Expect(form.RunCountPreview).ToContainTextAsync("4 runs");

        var experimentId = await form.SubmitAsync();
        var experiment = new ExperimentPage(browser, experimentId);
        await Expect(experiment.Name).ToHaveTextAsync(name);
        await Expect(experiment.RunRows).ToHaveCountAsync(4);
        await browser.ScreenshotAsync("experiment-queued");
        // The page follows the runs live: no reload between queued and succeeded.
        await Expect(experiment.RunStates).ToHaveTextAsync(
            Enumerable.Repeat("succeeded", 4).ToArray(), new() { Timeout = 120_000 });
        await Expect(experiment.RankingRows).ToHaveCountAsync(2);
        // Ranked by final loss, lowest first: lr 0.01 ends near 0.0025, lr 0.1 near 0.025.
        await Expect(experiment.RankingRows.Nth(0)).ToHaveAttributeAsync("data-config", new Regex(@"lr\W+0\.01(?!\d)"));
        await Expect(experiment.RankingRows.Nth(1)).ToHaveAttributeAsync("data-config", new Regex(@"lr\W+0\.1(?!\d)"));
        await browser.ScreenshotAsync("experiment-done");

        using var api = dashboard.Api();
        var runs = (await api.GetExperimentAsync(experimentId)).Body["runs"]!.AsArray();
        runs.Select(r => (r!["config"]!["lr"]!.GetValue<double>(), r["seed"]!.GetValue<long>()))
            .Should().BeEquivalentTo(new[] { (0.1, 0L), (0.1, 1L), (0.01, 0L), (0.01, 1L) });
        runs.Should().OnlyContain(r => r!["state"]!.GetValue<string>() == "succeeded");
        foreach (var run in runs)
        {
            var lr = run!["config"]!["lr"]!.GetValue<double>();
            var seed = run["seed"]!.GetValue<long>();
            var points = (await api.SeriesAsync(run["id"]!.GetValue<long>(), "loss"))["points"]!.AsArray();
            points.Select(p => p!["value"]!.GetValue<double>()).Should().Equal(
                new[] { 1.0, 0.5, 0.25 }.Select(f => (lr + seed / 1000.0) * f), (a, b) => Math.Abs(a - b) < 1e-6,
                $"the worker put lr {lr.ToString(CultureInfo.InvariantCulture)} and seed {seed} into the command");
        }
    }
}
