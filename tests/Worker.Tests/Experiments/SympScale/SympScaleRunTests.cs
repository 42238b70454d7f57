using System.Text.Json.Nodes;
using Dashboard.Domain.Scheduling;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Experiments.SympScale;
using Dashboard.Worker.Tests.Execution.Doubles;

namespace Dashboard.Worker.Tests.Experiments.SympScale;

/// <summary>The sympscale family queued like a user queues it, run by a real worker against a real database.</summary>
public sealed class SympScaleRunTests() : BuiltInFamilyRunTests("sympscale")
{
    private static readonly string[] EveryStep = ["loss", "grad_norm", "steps_per_sec"];
    private static readonly string[] Evaluation =
        ["rollout/last100_mse", "rollout/horizon", "conservation/residual", "conservation/residual_projected", "conservation/residual_unprojected", "bounded"];

    [Theory]
    [InlineData("symp")]
    [InlineData("gru")]
    public async Task The_tiny_preset_trains_to_success_and_reports_every_metric(string model)
    {
        var run = await EnqueueAsync("""{"family": "sympscale", "preset": "tiny", "config": {"model": "MODEL"}}""".Replace("MODEL", model));
        await RunOneAsync(new SympScaleExecutor());

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("succeeded");
        var keys = (await new MetricQueries(DataSource).KeysAsync(run)).ToDictionary(k => k.Key);
        keys.Keys.Should().Contain(EveryStep).And.Contain(Evaluation);
        keys["loss"].Count.Should().Be(40);
        keys["rollout/last100_mse"].Count.Should().Be(2, "evaluated every 20 steps");
        var loss = await new MetricQueries(DataSource).SeriesAsync(run, "loss");
        loss.Points.Take(5).Average(p => p.Value).Should().BeGreaterThan(loss.Points.TakeLast(5).Average(p => p.Value), "the model learns");
        if (model == "symp")
        {
            keys.Keys.Should().Contain("energy_drift");
            keys["conservation/residual"].LastValue.Should().BeLessThan(1e-9, "the projected symp rollout stays on the Jacobi level set");
            keys["conservation/residual_unprojected"].LastValue.Should().BeGreaterThan(keys["conservation/residual"].LastValue);
        }
        (await ScalarAsync<long>("SELECT (summary->>'parameters')::bigint FROM runs WHERE id = $1", run)).Should().Be(229);
        (await ScalarAsync<long>("SELECT (summary->>'parameters_gru')::bigint FROM runs WHERE id = $1", run)).Should().Be(229);
        (await ScalarAsync<double>("SELECT (summary->>'data_max_invariant_drift')::float8 FROM runs WHERE id = $1", run)).Should().BeLessThan(1e-9);
    }

    [Fact]
    public void A_requeued_run_resumes_from_its_checkpoint_and_continues_the_same_curve()
    {
        // One uninterrupted run, and one stopped after step 14 (checkpoint after step 9) then started again on the
        // same folder: the second attempt reports steps 10.. with the very values the uninterrupted run had.
        var config = JsonNode.Parse("""{"width": 8, "trajectories": 6, "train_trajectories": 4, "length": 80, "rollout": 60, "metric_window": 10, "bptt_window": "4", "batch": 8, "steps": 30, "eval_every": 10, "checkpoint_every": 10}""")!.AsObject();
        var reference = Attempt(config, Path.Combine(Artifacts, "runs", "1"), stopAfter: null);
        var folder = Path.Combine(Artifacts, "runs", "2");
        var first = Attempt(config, folder, stopAfter: 14);
        first.Outcome.Kind.Should().Be(RunOutcomeKind.Cancelled);
        File.Exists(Path.Combine(folder, "checkpoints", "latest.safetensors")).Should().BeTrue();
        var second = Attempt(config, folder, stopAfter: null);
        second.Outcome.Kind.Should().Be(RunOutcomeKind.Succeeded);
        second.Log.Should().Contain("resumed from the checkpoint taken after step 9");

        var resumed = second.Metrics.Series("loss");
        resumed.Select(p => p.Step).Should().Equal(Enumerable.Range(10, 20).Select(i => (long)i));
        resumed.Select(p => p.Value).Should().Equal(reference.Metrics.Series("loss").Skip(10).Select(p => p.Value),
            "the resumed run continues the curve exactly: same weights, optimizer state and batches");
        second.Metrics.Series("rollout/last100_mse")[^1].Value.Should().Be(reference.Metrics.Series("rollout/last100_mse")[^1].Value);
    }

    private (RunOutcome Outcome, RecordingMetricSink Metrics, string Log) Attempt(JsonObject config, string folder, long? stopAfter)
    {
        var metrics = new RecordingMetricSink();
        var log = new RecordingRunLog();
        using var stop = new CancellationTokenSource();
        metrics.OnReport = () =>
        {
            if (stopAfter is { } last && metrics.Series("loss").Count > 0 && metrics.Series("loss")[^1].Step >= last) stop.Cancel();
        };
        var context = new RunContext
        {
            RunId = 1, Family = "sympscale", Config = (JsonObject)config.DeepClone(), RunFolder = new DirectoryInfo(folder),
            Metrics = metrics, Log = log, Progress = new RecordingProgress(), Device = WorkerDevice.Cpu,
        };
        Directory.CreateDirectory(folder);
        var outcome = new SympScaleExecutor(Path.Combine(Artifacts, "data")).ExecuteAsync(context, stop.Token).GetAwaiter().GetResult();
        return (outcome, metrics, string.Join("\n", log.Lines.Select(l => l.Line)));
    }
}
