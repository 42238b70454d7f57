using System.Text;
using System.Text.Json.Nodes;
using Dashboard.Domain.Runs;
using Dashboard.Web.Actions;
using Dashboard.Web.Tests.Api;

namespace Dashboard.Web.Tests.Actions;

public sealed class RunActionsTests(DashboardApp app) : ActionsTestBase(app), IClassFixture<DashboardApp>
{
    private async Task<IReadOnlyList<long>> SweepAsync() => (await Experiments.CreateAsync(JsonNode.Parse("""
        {"family": "command", "config": {"command": "true", "lr": 0.1}, "sweep": {"axes": {"lr": [0.1, 0.01]}, "seeds": 3}}
        """))).RunIds;

    [Fact]
    public async Task Rerunning_adds_a_run_to_the_experiment_with_the_same_or_the_next_unused_seed()
    {
        var runs = await SweepAsync();
        var source = runs[4]; // lr 0.01, seed 1

        var same = (await Runs.RerunAsync(source))!.Value;
        var fresh = (await Runs.RerunAsync(source, newSeed: true))!.Value;
        var chosen = (await Runs.RerunAsync(source, seed: 42))!.Value;

        async Task<(long Experiment, int Index, long Seed, string Axes, double Lr, long ConfigSeed, string State)> Read(long id)
        {
            await using var command = DataSource.CreateCommand(
                "SELECT experiment_id, index, seed, axis_values::text, (config->>'lr')::float8, (config->>'seed')::bigint, state FROM runs WHERE id = $1");
            command.Parameters.AddWithValue(id);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return (reader.GetInt64(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetString(3), reader.GetDouble(4), reader.GetInt64(5), reader.GetString(6));
        }

        var original = await Read(source);
        var copy = await Read(same);
        (copy.Experiment, copy.Index, copy.Seed, copy.Axes, copy.Lr, copy.State).Should().Be((original.Experiment, 6, 1L, original.Axes, 0.01, "queued"));
        var next = await Read(fresh);
        (next.Index, next.Seed, next.ConfigSeed, next.Axes).Should().Be((7, 3L, 3L, original.Axes), "seeds 0–2 are taken");
        (await Read(chosen)).Seed.Should().Be(42);
        (await Runs.NextSeedAsync(source)).Should().Be(43);
        (await Runs.RerunAsync(999_999)).Should().BeNull();
        (await Runs.RerunAsync(999_999, newSeed: true)).Should().BeNull();
    }

    [Fact]
    public async Task Deleting_a_run_refuses_while_it_runs_and_then_removes_it_with_its_files()
    {
        await Worker.FinishAllAsync();
        var runs = await SweepAsync();
        var worker = Worker;
        var running = await worker.ClaimAsync();
        await Artifacts.SaveAsync(running.RunId, "log.txt", new MemoryStream(Encoding.UTF8.GetBytes("hello")));

        var refused = () => Runs.DeleteAsync(running.RunId);
        (await refused.Should().ThrowAsync<ActionConflictException>()).Which.Message.Should().Contain("cancel it first");
        (await CountAsync("runs", "id = $1", running.RunId)).Should().Be(1);

        (await Runs.CancelAsync(running.RunId)).Should().Be(RunState.Running, "a running run is asked to stop");
        await worker.FinishAsync(running, RunState.Cancelled);
        (await Runs.DeleteAsync(running.RunId)).Should().BeTrue();
        (await CountAsync("runs", "id = $1", running.RunId)).Should().Be(0);
        (await CountAsync("artifacts", "run_id = $1", running.RunId)).Should().Be(0);
        Directory.Exists(Artifacts.RunFolder(running.RunId)).Should().BeFalse();
        (await CountAsync("runs", "id = ANY($1)", runs.ToArray())).Should().Be(5, "its siblings stay");

        // A waiting run can go at once.
        (await Runs.DeleteAsync(runs[^1])).Should().BeTrue();
        (await Runs.DeleteAsync(runs[^1])).Should().BeFalse();
    }
}
