using System.Diagnostics;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Worker.Experiments.Hhml;

namespace Dashboard.Worker.Tests.Experiments;

/// <summary>The hhml family queued like a user queues it, run by a real worker against a real database.</summary>
public sealed class HhmlRunTests() : BuiltInFamilyRunTests("hhml")
{
    private Task RunOneAsync() => base.RunOneAsync(new HhmlExecutor());

    [Fact]
    public async Task A_tiny_as_run_run_reports_the_seeds_table_per_cycle_and_its_scale()
    {
        var run = await EnqueueAsync("""{"family": "hhml", "preset": "tiny", "config": {"mode": "as-run"}, "sweep": {}}""");
        await RunOneAsync();

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("succeeded");
        var queries = new MetricQueries(DataSource);
        var keys = (await queries.KeysAsync(run)).ToDictionary(k => k.Key);
        keys.Keys.Should().Contain(["reward", "reward/density", "reward/neighbourhood", "reward/core", "reward/stability", "reward/product",
            "reward/penalty", "reward/sustained", "reward/zero_annihilation", "density", "quality", "neighbourhood", "core", "stability",
            "removed", "cycles_at_target", "cycle_seconds", "checkpoint_seconds", "loss", "grad_norm"]);
        var reward = await queries.SeriesAsync(run, "reward");
        reward.Points.Select(p => p.Step).Should().Equal(Enumerable.Range(1, 15).Select(n => (long)n), "one record per cycle, numbered as the seed's log");
        reward.Points.Select(p => p.Value).Should().Equal(Enumerable.Range(1, 15).Select(n => 1450.0 + Math.Min(200, 20 * (n - 1))));
        (await queries.SeriesAsync(run, "cycles_at_target")).Points.Select(p => p.Value).Should().Equal(Enumerable.Range(1, 15).Select(n => (double)n));
        // The agent at 2 strips × 40 nodes, H = 16 (HhmlScale's closed form, checked against the seed's counts in Domain.Tests).
        (await ScalarAsync<long>("SELECT (summary->>'parameters')::bigint FROM runs WHERE id = $1", run)).Should().Be(159_096);
        (await ScalarAsync<long>("SELECT (summary->>'cycles_completed')::bigint FROM runs WHERE id = $1", run)).Should().Be(15);
        (await ScalarAsync<bool>("SELECT (summary->>'time_limit_reached')::boolean FROM runs WHERE id = $1", run)).Should().BeFalse();
        (await ScalarAsync<double>("SELECT (summary->>'checkpoint_write_seconds')::float8 FROM runs WHERE id = $1", run)).Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_run_that_reaches_its_time_limit_stops_there_as_the_seeds_did_and_says_which_cycle()
    {
        var run = await EnqueueAsync("""
            {"family": "hhml", "preset": "tiny", "config": {"cycles": 1000000, "checkpoint_every": 0}, "sweep": {}, "time_limit_seconds": 2}
            """);
        await RunOneAsync();

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("succeeded");
        (await ScalarAsync<bool>("SELECT (summary->>'time_limit_reached')::boolean FROM runs WHERE id = $1", run)).Should().BeTrue();
        var reached = await ScalarAsync<long>("SELECT (summary->>'cycles_completed')::bigint FROM runs WHERE id = $1", run);
        reached.Should().BeInRange(1, 999_999);
        (await ScalarAsync<long>("SELECT step FROM runs WHERE id = $1", run)).Should().Be(reached);
        File.Exists(Path.Combine(Artifacts, "runs", run.ToString(), "checkpoints", "latest.safetensors")).Should().BeTrue("it saved where it stopped");
        File.ReadAllText(Path.Combine(Artifacts, "runs", run.ToString(), "log.txt")).Should().Contain($"time limit of 2 s reached after cycle {reached}");
    }

    [Fact]
    public async Task A_run_that_cannot_fit_its_device_fails_before_allocating_and_says_why()
    {
        // H = 30,000 at 10 strips: about 100 GB of weights alone.
        var run = await EnqueueAsync("""{"family": "hhml", "config": {"strips": 10, "hidden": 30000}}""");
        var clock = Stopwatch.StartNew();
        await RunOneAsync();

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("failed");
        var reason = await ScalarAsync<string>("SELECT failure_reason FROM runs WHERE id = $1", run);
        reason.Should().Contain("needs about").And.Contain("weights").And.Contain("more than this CPU worker");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "nothing was built");
    }

    [Fact]
    public async Task A_killed_run_resumes_from_its_last_checkpoint_with_every_cycle_once()
    {
        var run = await EnqueueAsync("""
            {"family": "hhml", "preset": "tiny", "config": {"mode": "intended", "cycles": 120, "checkpoint_every": 10}, "sweep": {}, "max_attempts": 3}
            """);
        (await KillAfterCheckpointThenResumeAsync(run)).Should().Be("succeeded");

        (await ScalarAsync<int>("SELECT attempts FROM runs WHERE id = $1", run)).Should().Be(2);
        var steps = (await new MetricQueries(DataSource).SeriesAsync(run, "reward", maxPoints: 10_000)).Points.Select(p => p.Step).ToList();
        steps.Should().Equal(Enumerable.Range(1, 120).Select(i => (long)i), "every cycle once, none missing, none twice");
        File.ReadAllText(Path.Combine(Artifacts, "runs", run.ToString(), "log.txt")).Should().Contain("resumed from the checkpoint taken after cycle");
    }
}
