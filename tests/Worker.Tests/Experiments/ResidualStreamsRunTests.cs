using System.Diagnostics;
using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;
using Dashboard.Domain.Scheduling;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Queue;
using Dashboard.Testing;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Execution.Commands;
using Dashboard.Worker.Experiments.ResidualStreams;
using Dashboard.Worker.Hosting;
using Npgsql;

namespace Dashboard.Worker.Tests.Experiments;

/// <summary>The residual-streams family queued like a user queues it, run by a real worker against a real database.</summary>
public sealed class ResidualStreamsRunTests() : BuiltInFamilyRunTests("residual")
{
    private Task RunOneAsync() => base.RunOneAsync(new ResidualStreamsExecutor());

    [Fact]
    public async Task The_tiny_preset_trains_to_success_and_reports_its_metrics_and_parameter_count()
    {
        var run = await EnqueueAsync("""{"family": "residual-streams", "preset": "tiny"}""");
        await RunOneAsync();

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("succeeded");
        var keys = (await new MetricQueries(DataSource).KeysAsync(run)).ToDictionary(k => k.Key);
        keys.Keys.Should().Contain(["loss", "grad_norm", "gain_proxy", "nan_inf_events", "steps_per_sec"]);
        keys["loss"].Count.Should().Be(20);
        var loss = await new MetricQueries(DataSource).SeriesAsync(run, "loss");
        loss.Points[^1].Value.Should().BeLessThan(loss.Points[0].Value, "the model learns to count");
        keys["gain_proxy"].LastValue.Should().BeApproximately(Math.Log10(0.25), 0.01, "mHC's composed mixing stays uniform-ish");
        // mlp architecture, C = 16, S = 4 streams, vocab V = 32, 4 layers of RMSNorm (C), Linear(C, 4C) and Linear(4C, C)
        // with biases, the S × S mixing and per-stream pre and post vectors; the embedding and the head (V·C each), final RMSNorm.
        const long c = 16, s = 4, v = 32;
        (await ScalarAsync<long>("SELECT (summary->>'parameters')::bigint FROM runs WHERE id = $1", run))
            .Should().Be(4 * (c + (c * 4 * c + 4 * c) + (4 * c * c + c) + s * s + 2 * s) + 2 * v * c + c).And.Be(9_712);
        (await ScalarAsync<long>("SELECT step FROM runs WHERE id = $1", run)).Should().Be(20);
    }

    [Fact]
    public async Task A_run_whose_loss_becomes_nan_is_marked_diverged_and_keeps_its_curve()
    {
        var run = await EnqueueAsync("""
            {"family": "residual-streams", "preset": "tiny", "config": {"variant": "hc", "depth": 64, "hc_init_noise": 4}}
            """);
        await RunOneAsync();

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("diverged");
        (await ScalarAsync<string>("SELECT failure_reason FROM runs WHERE id = $1", run)).Should().Contain("loss became");
        var loss = await new MetricQueries(DataSource).SeriesAsync(run, "loss");
        loss.Points.Should().NotBeEmpty();
        double.IsFinite(loss.Points[^1].Value).Should().BeFalse("the NaN step itself is kept");
    }

    [Fact]
    public async Task A_requeued_run_resumes_from_its_checkpoint_with_a_continuous_curve_after_its_worker_is_killed()
    {
        // 400 steps, checkpoint every 20: long enough to kill the worker mid-run on a slow machine.
        var run = await EnqueueAsync("""
            {"family": "residual-streams", "preset": "tiny", "config": {"steps": 400, "checkpoint_every": 20}, "max_attempts": 3}
            """);
        (await KillAfterCheckpointThenResumeAsync(run)).Should().Be("succeeded");

        (await ScalarAsync<int>("SELECT attempts FROM runs WHERE id = $1", run)).Should().Be(2);
        var steps = (await new MetricQueries(DataSource).SeriesAsync(run, "loss", maxPoints: 10_000)).Points.Select(p => p.Step).ToList();
        steps.Should().Equal(Enumerable.Range(0, 400).Select(i => (long)i), "every step once, none missing, none twice");
        File.ReadAllText(Path.Combine(Artifacts, "runs", run.ToString(), "log.txt")).Should().Contain("resumed from the checkpoint");
    }
}
