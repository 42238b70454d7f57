using System.Text;
using System.Text.Json.Nodes;
using Dashboard.Domain;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Metrics;
using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Web.Actions;
using Dashboard.Web.Tests.Api;

namespace Dashboard.Web.Tests.Actions;

public sealed class ExperimentActionsTests(DashboardApp app) : ActionsTestBase(app), IClassFixture<DashboardApp>
{
    private static JsonNode Sweep(string command = "true", int seeds = 2) => JsonNode.Parse($$"""
        {"name": "actions", "family": "command", "config": {"command": "{{command}}", "lr": 0.1},
         "sweep": {"axes": {"lr": [0.1, 0.01]}, "seeds": {{seeds}}}, "tags": ["a"], "notes": "first"}
        """)!;

    [Fact]
    public async Task Creating_validates_as_the_api_does_and_stores_nothing_when_invalid()
    {
        var before = await CountAsync("experiments", "true");
        var act = () => Experiments.CreateAsync(JsonNode.Parse("""
            {"family": "command", "config": {"command": "true", "total_steps": 0}, "sweep": {"seeds": [1, 1]}}
            """));
        var errors = (await act.Should().ThrowAsync<InvalidInputException>()).Which.Errors;
        errors.Select(e => e.Field).Should().BeEquivalentTo("config.total_steps", "sweep.seeds");
        (await CountAsync("experiments", "true")).Should().Be(before);

        var created = await Experiments.CreateAsync(Sweep());
        created.RunIds.Should().HaveCount(4);
    }

    [Fact]
    public async Task Editing_changes_tags_and_notes_and_nothing_else()
    {
        var created = await Experiments.CreateAsync(Sweep());
        var edited = await Experiments.EditAsync(created.ExperimentId, new ExperimentEdit(["depth", "hc"], null));
        edited!.Tags.Should().Equal("depth", "hc");
        edited.Notes.Should().Be("first");
        edited = await Experiments.EditAsync(created.ExperimentId, new ExperimentEdit(null, "HC diverges past 48 layers"));
        edited!.Tags.Should().Equal("depth", "hc");
        edited.Notes.Should().Be("HC diverges past 48 layers");
        (await ScalarAsync<string>("SELECT notes FROM experiments WHERE id = $1", created.ExperimentId)).Should().Be("HC diverges past 48 layers");
        (await Experiments.EditAsync(999_999, new ExperimentEdit(["x"], null))).Should().BeNull();
    }

    [Fact]
    public async Task Deleting_refuses_while_a_run_runs_and_then_removes_runs_metrics_and_artifact_files()
    {
        var created = await Experiments.CreateAsync(Sweep(seeds: 1));
        await Worker.FinishAllAsync(); // clears runs other tests left claimable
        var experiment = await Experiments.CreateAsync(Sweep(seeds: 1));
        var worker = Worker;
        var running = await worker.ClaimAsync();
        running.ExperimentId.Should().Be(experiment.ExperimentId);
        var waitingRun = experiment.RunIds.Single(id => id != running.RunId);
        await new MetricWriter(DataSource).WriteAsync([new MetricPoint(running.RunId, "loss", 1, 0.5, DateTimeOffset.UtcNow)]);
        await Artifacts.SaveAsync(running.RunId, "checkpoints/step_1.safetensors", new MemoryStream(Encoding.UTF8.GetBytes("weights")));
        var file = Artifacts.PathOf(running.RunId, "checkpoints/step_1.safetensors");
        File.Exists(file).Should().BeTrue();

        var refused = () => Experiments.DeleteAsync(experiment.ExperimentId);
        (await refused.Should().ThrowAsync<ActionConflictException>()).Which.Message.Should()
            .Contain("1 running run").And.Contain($"#{running.RunId}").And.Contain("cancel it first");
        // Refusing changed nothing: no cancel, no deletion.
        (await CountAsync("runs", "experiment_id = $1", experiment.ExperimentId)).Should().Be(2);
        (await ScalarAsync<bool>("SELECT cancel_requested FROM runs WHERE id = $1", running.RunId)).Should().BeFalse();
        File.Exists(file).Should().BeTrue();

        await Experiments.CancelAsync(experiment.ExperimentId);
        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", waitingRun)).Should().Be("cancelled");
        await worker.FinishAsync(running, RunState.Cancelled);

        (await Experiments.DeleteAsync(experiment.ExperimentId)).Should().BeTrue();
        (await CountAsync("experiments", "id = $1", experiment.ExperimentId)).Should().Be(0);
        (await CountAsync("runs", "experiment_id = $1", experiment.ExperimentId)).Should().Be(0);
        (await CountAsync("metric_series", "run_id = $1", running.RunId)).Should().Be(0);
        (await CountAsync("artifacts", "run_id = $1", running.RunId)).Should().Be(0);
        File.Exists(file).Should().BeFalse();
        Directory.Exists(Artifacts.RunFolder(running.RunId)).Should().BeFalse();
        (await Experiments.DeleteAsync(experiment.ExperimentId)).Should().BeFalse();
        (await CountAsync("experiments", "id = $1", created.ExperimentId)).Should().Be(1, "other experiments stay");
    }
}
