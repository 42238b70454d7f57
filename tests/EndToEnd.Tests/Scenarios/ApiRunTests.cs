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
}
