using System.Text.Json.Nodes;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Execution.Commands;
using Dashboard.Worker.Tests.Execution.Doubles;

namespace Dashboard.Worker.Tests.Execution.Commands;

public class CommandOutputTests : IDisposable
{
    private readonly CommandRun run = new(new JsonObject { ["command"] = "unused" });
    private readonly CommandOutput output;

    public CommandOutputTests() => output = new CommandOutput(run.Context, new CommandExecutorOptions(), configuredTotalSteps: 50);

    public void Dispose() => run.Dispose();

    private void Stdout(string line) => output.Accept(RunLogStreams.Stdout, new OutputLine(line, line.Length, false));

    [Fact]
    public void Lines_without_step_are_numbered_after_the_last_step_seen()
    {
        Stdout("""{"loss": 1}""");
        Stdout("""{"loss": 2}""");
        Stdout("""{"step": 10, "loss": 3}""");
        Stdout("""{"val/loss": 4}""");
        Stdout("""{"status": "checkpoint saved"}""");
        Stdout("""{"step": 20, "loss": 5}""");

        run.Metrics.Points.Select(p => (p.Step, p.Key)).Should().Equal(
            (0, "loss"), (1, "loss"), (10, "loss"), (11, "val/loss"), (20, "loss"));
    }

    [Fact]
    public void Progress_follows_steps_with_the_configured_total_until_the_script_says_otherwise()
    {
        Stdout("""{"step": 1, "loss": 1}""");
        Stdout("""{"step": 2, "total_steps": 80}""");
        Stdout("""{"step": 3, "loss": 1}""");

        run.Progress.Reports.Should().Equal((1L, 50L), (2L, 80L), (3L, 80L));
        run.Metrics.Points.Select(p => p.Step).Should().Equal(1, 3);
    }

    [Fact]
    public void Every_line_is_logged_and_problems_are_noted_once()
    {
        for (var i = 1; i <= 3; i++) Stdout($$"""{"step": {{i}}, "bad key": 1, "loss": 1}""");
        output.Accept(RunLogStreams.Stderr, new OutputLine("""{"step": 1, "loss": 9}""", 22, false));

        run.Log.Of(RunLogStreams.Stdout).Should().HaveCount(3);
        run.Log.Of(RunLogStreams.Stderr).Should().ContainSingle();
        run.Log.Of(RunLogStreams.Worker).Should().ContainSingle().Which.Should().Contain("'bad key'");
        run.Metrics.Points.Should().OnlyContain(p => p.Value == 1, "JSON on stderr is not a metric");
    }

    [Fact]
    public void A_repeated_or_backwards_step_is_noted_once_per_run_with_its_line_number()
    {
        Stdout("starting");
        Stdout("""{"step": 1, "loss": 3}""");
        Stdout("""{"step": 2, "loss": 2}""");
        Stdout("""{"step": 2, "loss": 9}""");
        Stdout("""{"step": 1, "loss": 8}""");
        Stdout("""{"step": 0, "loss": 7}""");

        run.Log.Of(RunLogStreams.Worker).Should().ContainSingle()
            .Which.Should().Contain("stdout line 4").And.Contain("step 2 repeats step 2");
    }

    [Fact]
    public void A_cut_line_is_marked_in_the_log_and_not_read_as_metrics()
    {
        output.Accept(RunLogStreams.Stdout, new OutputLine("""{"step": 1, "loss": 1}""", 5_000_000, Truncated: true));

        run.Log.Of(RunLogStreams.Stdout).Should().ContainSingle().Which.Should().Contain("line cut").And.Contain("5000000 bytes");
        run.Metrics.Points.Should().BeEmpty();
    }

    [Fact]
    public void The_tail_quotes_the_last_lines_and_marks_stderr()
    {
        for (var i = 0; i < 30; i++) Stdout($"line {i}");
        output.Accept(RunLogStreams.Stderr, new OutputLine("Traceback", 9, false));
        output.Note("a worker note");

        var tail = output.Tail().Split('\n');
        tail.Should().HaveCount(20);
        tail[0].Should().Be("line 11");
        tail[^1].Should().Be("[stderr] Traceback");
    }

    [Fact]
    public void The_tail_keeps_the_last_stderr_lines_even_when_stdout_was_read_after_them()
    {
        for (var i = 0; i < 12; i++) output.Accept(RunLogStreams.Stderr, new OutputLine($"err {i}", 5, false));
        for (var i = 0; i < 30; i++) Stdout($"out {i}");

        var tail = output.Tail().Split('\n');
        tail.Should().HaveCount(20);
        tail[..10].Should().Equal(Enumerable.Range(2, 10).Select(i => $"[stderr] err {i}"));
        tail[10..].Should().Equal(Enumerable.Range(20, 10).Select(i => $"out {i}"));
    }
}
