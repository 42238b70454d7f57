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
using Dashboard.Worker.Experiments.NGpt;
using Dashboard.Worker.Experiments.Training;
using Dashboard.Worker.Hosting;
using Npgsql;

namespace Dashboard.Worker.Tests.Experiments;

/// <summary>The ngpt family queued like a user queues it, run by a real worker against a real database, on the Brown corpus.</summary>
public sealed class NGptRunTests() : BuiltInFamilyRunTests("ngpt")
{
    private Task RunOneAsync(NGptExecutor? executor = null) => base.RunOneAsync(executor ?? new NGptExecutor());

    [Fact]
    public async Task The_tiny_preset_trains_to_success_and_reports_its_metrics_parameter_count_and_projections()
    {
        var run = await EnqueueAsync("""{"family": "ngpt", "preset": "tiny", "config": {"projection_every": 4}}""");
        await RunOneAsync();

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("succeeded");
        var queries = new MetricQueries(DataSource);
        var keys = (await queries.KeysAsync(run)).ToDictionary(k => k.Key);
        keys.Keys.Should().Contain(["loss", "val/loss", "tokens_per_sec", "projections", "weight_norm_deviation"]);
        keys["loss"].Count.Should().Be(30);
        keys["val/loss"].Count.Should().Be(3, "every 10 steps of 30");
        keys["projections"].LastValue.Should().Be(8, "steps 0, 4, …, 28");
        keys["weight_norm_deviation"].LastValue.Should().BeInRange(1e-6, 0.1, "AdamW moves the weights a little off the sphere");
        var loss = await queries.SeriesAsync(run, "loss");
        loss.Points[^1].Value.Should().BeLessThan(loss.Points[0].Value - 0.5, "the model learns byte statistics");
        loss.Points[0].Value.Should().BeInRange(5.0, 8.0, "it starts near ln 256 = 5.55 plus the spread of random cosines times s_z = 10");
        var validation = await queries.SeriesAsync(run, "val/loss");
        validation.Points.Select(p => p.Step).Should().Equal(9, 19, 29);
        validation.Points[^1].Value.Should().BeLessThan(validation.Points[0].Value);
        // Width C = 32, SwiGLU hidden F = 88 (8C/3 rounded up to 8), vocab V = 256, 2 blocks of q, k, v, o (4C²), c_fc (C·2F),
        // mlp_c_proj (F·C), α_attn, α_mlp, s_qk (C each) and s_uv (2F); the embedding and the head (V·C each) and s_z (V).
        const long c = 32, f = 88, v = 256;
        (await ScalarAsync<long>("SELECT (summary->>'parameters')::bigint FROM runs WHERE id = $1", run))
            .Should().Be(2 * (4 * c * c + c * 2 * f + f * c + 3 * c + 2 * f) + 2 * v * c + v).And.Be(42_272);
        (await ScalarAsync<long>("SELECT (summary->>'projections')::bigint FROM runs WHERE id = $1", run)).Should().Be(8);
        (await ScalarAsync<long>("SELECT step FROM runs WHERE id = $1", run)).Should().Be(30);
        (await ScalarAsync<bool>("SELECT (summary->>'cuda_graph')::boolean FROM runs WHERE id = $1", run)).Should().BeFalse();
        File.ReadAllText(Path.Combine(Artifacts, "runs", run.ToString(), "log.txt"))
            .Should().Contain("CUDA graphs need a CUDA device, and this run is on cpu; training eagerly", "cuda_graph is on by default: the log says why not");
    }

    [Fact]
    public async Task The_gpt_baseline_trains_and_reports_no_projections()
    {
        var run = await EnqueueAsync("""{"family": "ngpt", "preset": "tiny", "config": {"variant": "gpt", "steps": 10, "val_every": 5}}""");
        await RunOneAsync();

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("succeeded");
        var keys = (await new MetricQueries(DataSource).KeysAsync(run)).ToDictionary(k => k.Key);
        keys.Keys.Should().Contain(["loss", "val/loss", "tokens_per_sec", "projections"]).And.NotContain("weight_norm_deviation");
        keys["projections"].LastValue.Should().Be(0);
    }

    [Fact]
    public async Task A_run_whose_loss_becomes_nan_is_marked_diverged_and_keeps_its_curve()
    {
        // nGPT keeps its weights on the sphere, so no setting of the family makes it blow up in a few CPU steps; instead
        // the run resumes from weights that have gone bad, as an earlier attempt may have left them: one NaN weight.
        var run = await EnqueueAsync("""{"family": "ngpt", "preset": "tiny"}""");
        var config = NGptConfig.From(new NGptFamily().WithDefaults(new NGptFamily().Presets.Single(p => p.Name == "tiny").Config));
        using (var trainer = new NGptTrainer(config, Dashboard.Torch.Device.Cpu, bf16Autocast: false, StepGraphs.Off))
        {
            using (Dashboard.Torch.Torch.NoGrad())
            using (var row = trainer.Model.NamedParameters().First(p => p.Name.EndsWith("query.weight", StringComparison.Ordinal)).Parameter.Select(0, 0))
                row.Fill_(double.NaN);
            new TrainingCheckpoint(new DirectoryInfo(Path.Combine(Artifacts, "runs", run.ToString()))).Save(trainer.Model, trainer.Optimizer, step: 4);
        }
        await RunOneAsync();

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("diverged");
        (await ScalarAsync<string>("SELECT failure_reason FROM runs WHERE id = $1", run)).Should().Be("the loss became NaN at step 5");
        var loss = await new MetricQueries(DataSource).SeriesAsync(run, "loss");
        loss.Points.Should().ContainSingle().Which.Step.Should().Be(5);
        double.IsFinite(loss.Points[^1].Value).Should().BeFalse("the NaN step itself is kept");
        var events = await new MetricQueries(DataSource).SeriesAsync(run, "nan_inf_events");
        events.Points.Should().ContainSingle().Which.Value.Should().Be(1);
    }

    [Fact]
    public async Task A_missing_corpus_fails_the_run_with_a_reason_that_says_how_to_install_it()
    {
        var run = await EnqueueAsync("""{"family": "ngpt", "preset": "tiny"}""");
        await RunOneAsync(new NGptExecutor(Path.Combine(Artifacts, "no-corpus-here")));

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("failed");
        (await ScalarAsync<string>("SELECT failure_reason FROM runs WHERE id = $1", run))
            .Should().Contain("Brown corpus").And.Contain("npm ci").And.Contain("no-corpus-here");
    }

    [Fact]
    public async Task A_requeued_run_resumes_from_its_checkpoint_with_a_continuous_curve_after_its_worker_is_killed()
    {
        // 100 steps, checkpoint every 20: long enough to kill the worker mid-run on a slow machine.
        var run = await EnqueueAsync("""
            {"family": "ngpt", "preset": "tiny", "config": {"steps": 100, "checkpoint_every": 20, "val_every": 50}, "max_attempts": 3}
            """);
        (await KillAfterCheckpointThenResumeAsync(run)).Should().Be("succeeded");

        (await ScalarAsync<int>("SELECT attempts FROM runs WHERE id = $1", run)).Should().Be(2);
        var queries = new MetricQueries(DataSource);
        var steps = (await queries.SeriesAsync(run, "loss", maxPoints: 10_000)).Points.Select(p => p.Step).ToList();
        steps.Should().Equal(Enumerable.Range(0, 100).Select(i => (long)i), "every step once, none missing, none twice");
        var projections = (await queries.SeriesAsync(run, "projections", maxPoints: 10_000)).Points;
        projections.Select(p => p.Value).Should().Equal(Enumerable.Range(1, 100).Select(i => (double)i), "the count goes on across the restart");
        (await queries.SeriesAsync(run, "val/loss")).Points.Select(p => p.Step).Should().Equal(49, 99);
        File.ReadAllText(Path.Combine(Artifacts, "runs", run.ToString(), "log.txt")).Should().Contain("resumed from the checkpoint");
    }
}
