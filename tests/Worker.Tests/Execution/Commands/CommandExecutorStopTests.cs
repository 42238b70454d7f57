using System.Diagnostics;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Execution.Commands;
using Dashboard.Worker.Tests.Execution.Doubles;

namespace Dashboard.Worker.Tests.Execution.Commands;

/// <summary>Stopping a command: time limits, cancellation, stubborn scripts, and no processes left behind.</summary>
public class CommandExecutorStopTests
{
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(5);
    private readonly CommandExecutor executor = new();

    [Fact]
    public async Task A_command_past_its_time_limit_is_stopped_and_times_out()
    {
        using var run = CommandRun.Of("echo started; sleep 30", timeLimit: TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        var outcome = await run.ExecuteAsync(executor);

        outcome.Should().Be(RunOutcome.TimedOut("time limit of 0.3 s reached; the command was stopped."));
        clock.Elapsed.Should().BeLessThan(StopBudget);
        run.Log.Of(RunLogStreams.Stdout).Should().Equal("started");
    }

    [Fact]
    public async Task Cancelling_a_running_command_stops_it_and_its_children()
    {
        // sh -> sh -> sleep: the grandchild must go too.
        using var run = CommandRun.Of("""
            sh -c 'sleep 30 & echo $! > "$DASHBOARD_OUTPUT_DIR/grandchild.pid"; wait' &
            echo $! > "$DASHBOARD_OUTPUT_DIR/child.pid"
            wait
            """);
        using var cancel = new CancellationTokenSource();
        var execution = run.ExecuteAsync(executor, cancel.Token);
        var child = await Processes.ReadPidFileAsync(Path.Join(run.RunFolder, "child.pid"), TimeSpan.FromSeconds(10));
        var grandchild = await Processes.ReadPidFileAsync(Path.Join(run.RunFolder, "grandchild.pid"), TimeSpan.FromSeconds(10));
        Processes.IsAlive(grandchild).Should().BeTrue();
        var clock = Stopwatch.StartNew();

        await cancel.CancelAsync();
        var outcome = await execution;

        outcome.Should().Be(RunOutcome.Cancelled());
        clock.Elapsed.Should().BeLessThan(StopBudget);
        Processes.IsAlive(child).Should().BeFalse();
        Processes.IsAlive(grandchild).Should().BeFalse();
    }

    [Fact]
    public async Task A_script_that_ignores_sigterm_is_killed_after_the_grace_period()
    {
        // An ignored signal stays ignored across fork and exec, so the sleep ignores SIGTERM as well.
        using var run = CommandRun.Of("""
            trap '' TERM
            sleep 30 &
            echo $! > "$DASHBOARD_OUTPUT_DIR/child.pid"
            wait
            """, timeLimit: TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        var outcome = await run.ExecuteAsync(executor);

        outcome.Kind.Should().Be(RunOutcomeKind.TimedOut);
        clock.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(2)).And.BeLessThan(StopBudget);
        Processes.IsAlive(await Processes.ReadPidFileAsync(Path.Join(run.RunFolder, "child.pid"), TimeSpan.Zero)).Should().BeFalse();
    }

    [Fact]
    public async Task Background_processes_left_by_a_finished_command_are_stopped_and_do_not_hold_up_the_run()
    {
        // The sleep keeps the command's stdout open: without stopping the group, reading would wait 30 s.
        using var run = CommandRun.Of("""sleep 30 & echo $! > "$DASHBOARD_OUTPUT_DIR/child.pid"; echo finished""");
        var clock = Stopwatch.StartNew();

        var outcome = await run.ExecuteAsync(executor);

        outcome.Should().Be(RunOutcome.Succeeded());
        clock.Elapsed.Should().BeLessThan(StopBudget);
        Processes.IsAlive(await Processes.ReadPidFileAsync(Path.Join(run.RunFolder, "child.pid"), TimeSpan.Zero)).Should().BeFalse();
        run.Log.Of(RunLogStreams.Worker).Should().ContainSingle().Which.Should().Contain("left processes running");
    }

    [Fact]
    public async Task A_process_that_left_the_group_but_holds_the_output_does_not_hang_the_run()
    {
        var quick = new CommandExecutor(new CommandExecutorOptions { OutputDrainTimeout = TimeSpan.FromMilliseconds(300) });
        // The script waits until the escapee has its own session, so it is surely outside the group when the script ends.
        using var run = CommandRun.Of("""
            setsid sh -c 'echo $$ > "$DASHBOARD_OUTPUT_DIR/escapee.pid"; exec sleep 3' &
            while [ ! -s "$DASHBOARD_OUTPUT_DIR/escapee.pid" ]; do sleep 0.02; done
            echo finished
            """);
        var clock = Stopwatch.StartNew();

        var outcome = await run.ExecuteAsync(quick);

        outcome.Should().Be(RunOutcome.Succeeded());
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2.5));
        run.Log.Of(RunLogStreams.Stdout).Should().Equal("finished");
        run.Log.Of(RunLogStreams.Worker).Should().ContainSingle().Which.Should().Contain("outside the command's process group");
        var escapee = await Processes.ReadPidFileAsync(Path.Join(run.RunFolder, "escapee.pid"), TimeSpan.Zero);
        if (Processes.IsAlive(escapee)) Process.GetProcessById(escapee).Kill();
    }

    [Fact]
    public async Task When_recording_metrics_fails_the_command_is_stopped_and_the_error_surfaces()
    {
        using var run = CommandRun.Of("""
            sleep 30 &
            echo $! > "$DASHBOARD_OUTPUT_DIR/child.pid"
            echo '{"step": 1, "loss": 1}'
            wait
            """);
        run.Metrics.OnReport = () => throw new InvalidOperationException("database is down");
        var clock = Stopwatch.StartNew();

        var act = () => run.ExecuteAsync(executor);

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("database is down");
        clock.Elapsed.Should().BeLessThan(StopBudget);
        Processes.IsAlive(await Processes.ReadPidFileAsync(Path.Join(run.RunFolder, "child.pid"), TimeSpan.Zero)).Should().BeFalse();
    }
}
