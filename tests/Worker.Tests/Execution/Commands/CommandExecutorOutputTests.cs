using System.Diagnostics;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Execution.Commands;
using Dashboard.Worker.Tests.Execution.Doubles;

namespace Dashboard.Worker.Tests.Execution.Commands;

/// <summary>What a command prints, however badly, reaches the log and the metrics without hurting the worker.</summary>
public class CommandExecutorOutputTests
{
    private readonly CommandExecutor executor = new();

    [Fact]
    public async Task Stderr_is_kept_in_the_log_under_its_own_name()
    {
        using var run = CommandRun.Of("echo out; echo err 1 >&2; echo err 2 >&2");

        (await run.ExecuteAsync(executor)).Should().Be(RunOutcome.Succeeded());

        run.Log.Of(RunLogStreams.Stdout).Should().Equal("out");
        run.Log.Of(RunLogStreams.Stderr).Should().Equal("err 1", "err 2");
    }

    [Fact]
    public async Task Garbage_binary_and_partial_json_are_only_log_lines()
    {
        // The last metric line has no line break: the script ended mid-line.
        using var run = CommandRun.Of("""
            printf 'garbage {{{\n{"step": 1, "loss"\n\000\377\376 binary\n{"step": 2, "loss": 0.5}\n[1, 2]\n{"step": 3, "loss": 0.25}'
            """);

        (await run.ExecuteAsync(executor)).Should().Be(RunOutcome.Succeeded());

        run.Metrics.Series("loss").Select(p => (p.Step, p.Value)).Should().Equal((2, 0.5), (3, 0.25));
        run.Log.Of(RunLogStreams.Stdout).Should().HaveCount(6);
        run.Log.Of(RunLogStreams.Worker).Should().BeEmpty();
    }

    [Fact]
    public async Task Megabytes_on_one_line_are_cut_and_do_not_stop_the_metrics_after_them()
    {
        using var run = CommandRun.Of("");
        var script = run.WriteScript("flood.py", """
            import sys
            out = sys.stdout
            out.write("x" * (10 * 1024 * 1024) + "\n")
            out.write('{"step": 1, "loss": 1.5}\n')
            out.write('{"step": 2, "loss": ' + "9" * (3 * 1024 * 1024) + "}\n")
            out.write('{"step": 3, "loss": 0.5}\n')
            out.write("y" * (5 * 1024 * 1024))
            """);
        run.Context.Config["command"] = $"/usr/bin/python3 {script}";
        var clock = Stopwatch.StartNew();

        var outcome = await run.ExecuteAsync(executor);

        outcome.Should().Be(RunOutcome.Succeeded());
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
        run.Metrics.Series("loss").Select(p => (p.Step, p.Value)).Should().Equal((1, 1.5), (3, 0.5));
        var lines = run.Log.Of(RunLogStreams.Stdout);
        lines.Should().HaveCount(5);
        lines[0].Should().StartWith("xxxx").And.Contain("[line cut: it was 10485760 bytes");
        lines[0].Length.Should().BeLessThan(1024 * 1024 + 200);
        lines[4].Should().StartWith("yyyy").And.Contain("[line cut: it was 5242880 bytes");
    }

    [Fact]
    public async Task Python_bare_nan_and_infinity_tokens_are_recorded()
    {
        using var run = CommandRun.Of("""
            /usr/bin/python3 -c 'import json; print(json.dumps({"step": 5, "loss": float("nan"), "gain": float("-inf"), "note": "NaN seen"}))'
            """);

        (await run.ExecuteAsync(executor)).Should().Be(RunOutcome.Succeeded());

        run.Metrics.Points.Select(p => (p.Step, p.Key, p.Value)).Should().BeEquivalentTo(
            new[] { (5L, "loss", double.NaN), (5L, "gain", double.NegativeInfinity) });
    }

    [Fact]
    public async Task Invalid_metric_keys_are_skipped_with_a_note()
    {
        using var run = CommandRun.Of("""echo '{"step": 1, "loss": 1, "my loss": 2}'""");

        (await run.ExecuteAsync(executor)).Should().Be(RunOutcome.Succeeded());

        run.Metrics.Points.Select(p => p.Key).Should().Equal("loss");
        run.Log.Of(RunLogStreams.Worker).Should().ContainSingle().Which.Should().Contain("'my loss'");
    }

    [Fact]
    public async Task Wall_time_from_the_script_is_kept()
    {
        using var run = CommandRun.Of("""echo '{"step": 1, "time": 1700000000, "loss": 1}'""");

        await run.ExecuteAsync(executor);

        run.Metrics.Points.Should().ContainSingle().Which.WallTime.Should().Be(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    }
}
