using System.Text.Json.Nodes;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Execution.Commands;
using Dashboard.Worker.Tests.Execution.Doubles;

namespace Dashboard.Worker.Tests.Execution.Commands;

/// <summary>How a command's ending becomes the run's outcome. Real processes throughout.</summary>
public class CommandExecutorOutcomeTests
{
    private readonly CommandExecutor executor = new();

    [Fact]
    public async Task A_python_script_that_reports_metrics_succeeds_with_them_recorded()
    {
        using var run = new CommandRun(new JsonObject { ["command"] = "", ["total_steps"] = 3 });
        var script = run.WriteScript("train.py", """
            import json, math, sys
            print("starting", flush=True)
            for step in range(1, 4):
                print(json.dumps({"step": step, "loss": 1.0 / step, "val/loss": 2.0 / step, "tokens": step * 100}))
            print(json.dumps({"step": 4, "loss": float("nan"), "grad_norm": float("inf")}))
            print("done", file=sys.stderr)
            """);
        run.Context.Config["command"] = $"/usr/bin/python3 {script}";

        var outcome = await run.ExecuteAsync(executor);

        outcome.Should().Be(RunOutcome.Succeeded());
        run.Metrics.Series("loss").Select(p => (p.Step, p.Value)).Should().Equal((1, 1.0), (2, 0.5), (3, 1.0 / 3), (4, double.NaN));
        run.Metrics.Series("val/loss").Should().HaveCount(3);
        run.Metrics.Series("tokens").Select(p => p.Value).Should().Equal(100, 200, 300);
        run.Metrics.Series("grad_norm").Should().ContainSingle().Which.Value.Should().Be(double.PositiveInfinity);
        run.Metrics.Points.Should().OnlyContain(p => p.WallTime > DateTimeOffset.UtcNow.AddMinutes(-1));
        run.Progress.Reports.Should().Equal((1L, 3L), (2L, 3L), (3L, 3L), (4L, 3L));
        run.Log.Of(RunLogStreams.Stdout).Should().HaveCount(5).And.StartWith("starting");
        run.Log.Of(RunLogStreams.Stderr).Should().Equal("done");
    }

    [Fact]
    public async Task A_non_zero_exit_fails_with_the_code_and_the_last_lines()
    {
        using var run = CommandRun.Of("for i in $(seq 1 50); do echo line $i; done; echo 'ValueError: boom' >&2; exit 3");

        var outcome = await run.ExecuteAsync(executor);

        outcome.Kind.Should().Be(RunOutcomeKind.Failed);
        // The two pipes are read concurrently, so where the stderr line falls among the stdout lines may vary.
        var lines = outcome.Reason!.Split('\n');
        lines[0].Should().Be("exit code 3; last output:");
        lines[1..].Should().HaveCount(20).And.Contain("[stderr] ValueError: boom").And.Contain("line 50").And.Contain("line 32")
            .And.NotContain("line 31");
    }

    [Fact]
    public async Task A_failure_without_output_says_so()
    {
        using var run = CommandRun.Of("exit 2");

        (await run.ExecuteAsync(executor)).Should().Be(RunOutcome.Failed("exit code 2; the command printed nothing."));
    }

    [Fact]
    public async Task A_command_killed_by_a_signal_names_the_signal()
    {
        using var run = CommandRun.Of("echo about to die; kill -9 $$");

        var outcome = await run.ExecuteAsync(executor);

        outcome.Kind.Should().Be(RunOutcomeKind.Failed);
        outcome.Reason.Should().StartWith("exit code 137 (killed by signal 9?)").And.Contain("about to die");
    }

    [Fact]
    public async Task A_missing_working_directory_fails_before_anything_runs()
    {
        using var run = new CommandRun(new JsonObject { ["command"] = "echo hi", ["working_directory"] = "/no/such/folder" });

        var outcome = await run.ExecuteAsync(executor);

        outcome.Should().Be(RunOutcome.Failed("the working directory '/no/such/folder' does not exist on this worker."));
        run.Log.Lines.Should().BeEmpty();
    }

    [Fact]
    public async Task A_config_without_a_command_fails()
    {
        using var run = new CommandRun(new JsonObject { ["total_steps"] = 3 });

        (await run.ExecuteAsync(executor)).Kind.Should().Be(RunOutcomeKind.Failed);
    }

    [Fact]
    public async Task An_invalid_environment_variable_name_fails()
    {
        using var run = new CommandRun(new JsonObject { ["command"] = "true", ["env"] = new JsonObject { ["A=B"] = "x" } });

        (await run.ExecuteAsync(executor)).Reason.Should().Contain("'A=B'");
    }

    [Fact]
    public async Task A_run_cancelled_before_it_starts_does_not_start()
    {
        using var run = CommandRun.Of("echo should not run");

        var outcome = await run.ExecuteAsync(executor, new CancellationToken(canceled: true));

        outcome.Should().Be(RunOutcome.Cancelled());
        run.Log.Lines.Should().BeEmpty();
    }

    [Fact]
    public async Task A_run_with_no_time_left_times_out_at_once()
    {
        using var run = CommandRun.Of("echo should not run", timeLimit: TimeSpan.Zero);

        (await run.ExecuteAsync(executor)).Kind.Should().Be(RunOutcomeKind.TimedOut);
        run.Log.Lines.Should().BeEmpty();
    }

    [Fact]
    public async Task Standard_input_is_closed_so_a_script_reading_it_does_not_wait()
    {
        using var run = CommandRun.Of("cat; echo after cat");

        (await run.ExecuteAsync(executor)).Should().Be(RunOutcome.Succeeded());
        run.Log.Of(RunLogStreams.Stdout).Should().Equal("after cat");
    }
}
