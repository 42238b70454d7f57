using System.Text.Json.Nodes;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Execution.Commands;
using Dashboard.Worker.Tests.Execution.Doubles;

namespace Dashboard.Worker.Tests.Execution.Commands;

/// <summary>What a command sees: its environment, its working directory, and its config in placeholders.</summary>
public class CommandExecutorEnvironmentTests
{
    private readonly CommandExecutor executor = new();

    [Fact]
    public async Task The_command_gets_the_run_variables_and_the_users_env()
    {
        using var run = new CommandRun(new JsonObject
        {
            ["command"] = """
                echo "id=$DASHBOARD_RUN_ID seed=$DASHBOARD_SEED attempt=$DASHBOARD_ATTEMPT unbuffered=$PYTHONUNBUFFERED my=$MY_VAR"
                echo "out=$DASHBOARD_OUTPUT_DIR"
                echo "pwd=$(pwd)"
                printf '%s\n' "$DASHBOARD_CONFIG"
                echo result > "$DASHBOARD_OUTPUT_DIR/result.txt"
                """,
            ["env"] = new JsonObject { ["MY_VAR"] = "a b", ["DASHBOARD_RUN_ID"] = "spoofed" },
            ["lr"] = 0.01,
        });

        (await run.ExecuteAsync(executor)).Should().Be(RunOutcome.Succeeded());

        var lines = run.Log.Of(RunLogStreams.Stdout);
        lines[0].Should().Be("id=42 seed=7 attempt=1 unbuffered=1 my=a b");
        lines[1].Should().Be($"out={run.RunFolder}");
        lines[2].Should().Be($"pwd={run.RunFolder}", "the run's folder is the default working directory");
        JsonNode.Parse(lines[3])!["lr"]!.GetValue<double>().Should().Be(0.01);
        File.ReadAllText(Path.Join(run.RunFolder, "result.txt")).Should().Be("result\n");
    }

    [Fact]
    public async Task Without_a_seed_there_is_no_seed_variable()
    {
        using var run = new CommandRun(new JsonObject { ["command"] = "echo \"seed=${DASHBOARD_SEED-unset}\"" }, seed: null);

        await run.ExecuteAsync(executor);

        run.Log.Of(RunLogStreams.Stdout).Should().Equal("seed=unset");
    }

    [Fact]
    public async Task Placeholders_take_config_values_and_unknown_ones_are_noted()
    {
        using var run = new CommandRun(new JsonObject
        {
            ["command"] = "echo lr={lr} name='{name}' width={model.width} missing={nope} home=${HOME:+set}",
            ["lr"] = 0.001,
            ["name"] = "run a",
            ["model"] = new JsonObject { ["width"] = 256 },
        });

        (await run.ExecuteAsync(executor)).Should().Be(RunOutcome.Succeeded());

        run.Log.Of(RunLogStreams.Stdout).Should().Equal("lr=0.001 name=run a width=256 missing={nope} home=set");
        run.Log.Of(RunLogStreams.Worker).Should().ContainSingle().Which.Should().Contain("{nope}");
    }

    [Fact]
    public async Task A_working_directory_is_used_and_relative_ones_start_at_the_run_folder()
    {
        using var run = new CommandRun(new JsonObject { ["command"] = "pwd", ["working_directory"] = "/tmp" });
        await run.ExecuteAsync(executor);
        run.Log.Of(RunLogStreams.Stdout).Should().Equal("/tmp");

        using var relative = new CommandRun(new JsonObject { ["command"] = "pwd", ["working_directory"] = ".." });
        await relative.ExecuteAsync(executor);
        relative.Log.Of(RunLogStreams.Stdout).Should().Equal(relative.Folder.FullName);
    }
}
