using System.Diagnostics;
using Dashboard.EndToEnd.Tests.Api;

namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>The README's "Queue a run" against the started product: its local worker runs the command and the metrics come back.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ApiRunTests(DashboardFixture dashboard)
{
    [Fact]
    public async Task A_command_run_posted_to_the_api_succeeds_and_its_loss_series_comes_back()
    {
        using var api = dashboard.Api();
        var created = await api.CreateExperimentAsync(CommandExperiments.Request(
            CommandExperiments.UniqueName("api run"), CommandExperiments.LossCurve(steps: 5), totalSteps: 5));
        var runId = created.RunIds.Should().ContainSingle().Subject;

        var run = await api.WaitForFinishAsync(runId, TimeSpan.FromMinutes(2));

        run["state"]!.GetValue<string>().Should().Be("succeeded", run["failure_reason"]?.ToString());
        var series = await api.SeriesAsync(runId, "loss");
        var points = series["points"]!.AsArray();
        points.Select(p => p!["step"]!.GetValue<long>()).Should().Equal(0, 1, 2, 3, 4);
        points.Select(p => p!["value"]!.GetValue<double>()).Should()
            .Equal([1.0, 0.5, 1.0 / 3, 0.25, 0.2], (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public async Task A_running_command_run_cancelled_through_the_api_ends_cancelled_and_its_processes_are_gone()
    {
        using var api = dashboard.Api();
        var created = await api.CreateExperimentAsync(CommandExperiments.Request(
            CommandExperiments.UniqueName("api cancel"), CommandExperiments.LossCurve(600, delaySeconds: 0.5), totalSteps: 600));
        var runId = created.RunIds.Single();
        await api.WaitForRunAsync(runId, state => state == "running", TimeSpan.FromMinutes(1), "to start");
        dashboard.App.ProcessesOfRun(runId).Should().NotBeEmpty("the command's shell runs under the worker");

        await api.CancelRunAsync(runId);

        // The README promises a running run stops within about 2 s; the wait allows for a loaded machine.
        var run = await api.WaitForFinishAsync(runId, TimeSpan.FromSeconds(20));
        run["state"]!.GetValue<string>().Should().Be("cancelled");
        var gone = Stopwatch.StartNew();
        while (dashboard.App.ProcessesOfRun(runId).Count > 0 && gone.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(100);
        dashboard.App.ProcessesOfRun(runId).Should().BeEmpty("cancelling stops the command's whole process group");
    }
}
