using Dashboard.Infrastructure.Metrics;
using Dashboard.Worker.Experiments.Harmonic;
using Dashboard.Worker.Experiments.Harmonic.Field;

namespace Dashboard.Worker.Tests.Experiments;

/// <summary>The harmonic family queued like a user queues it, run by a real worker against a real database.</summary>
public sealed class HarmonicRunTests() : BuiltInFamilyRunTests("harmonic")
{
    private Task RunOneAsync() => base.RunOneAsync(new HarmonicExecutor());

    [Fact]
    public async Task The_tiny_field_preset_reports_detection_rotation_speed_and_keeps_every_trial()
    {
        var run = await EnqueueAsync("""{"family": "harmonic", "preset": "tiny-field"}""");
        await RunOneAsync();

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("succeeded");
        var keys = (await new MetricQueries(DataSource).KeysAsync(run)).ToDictionary(k => k.Key);
        keys.Keys.Should().Contain(["detection_rate", "detection_rate/gaussian", "detection_rate/plane_wave", "detection_rate/spiral",
            "detection_rate/random", "rotation/mean", "rotation/sd", "rotation/cv", "rotation/nan_count", "speed/mean", "trials_per_sec"]);
        keys["detection_rate"].Count.Should().Be(4, "trial_batch 0 runs the 16 trials in four batches, a record after each");
        (await ScalarAsync<long>("SELECT step FROM runs WHERE id = $1", run)).Should().Be(16);
        (await ScalarAsync<string>("SELECT summary->>'lattice' FROM runs WHERE id = $1", run)).Should().Be("16×16");

        var csv = await File.ReadAllLinesAsync(Path.Combine(Artifacts, "runs", run.ToString(), FieldTrialsRun.TrialsFile));
        csv[0].Should().Be("trial,family,rotation,has_wave,speed");
        csv.Should().HaveCount(17);
        csv[4].Should().StartWith("3,random,");
    }

    [Fact]
    public async Task The_tiny_preset_trains_each_model_to_success_with_its_metrics()
    {
        foreach (var model in new[] { "standard", "harmonic", "harmonic-moe" })
        {
            var run = await EnqueueAsync("{\"family\": \"harmonic\", \"preset\": \"tiny\", \"sweep\": {\"axes\": {\"model\": [\"" + model + "\"]}}}");
            await RunOneAsync();

            (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("succeeded", model);
            var queries = new MetricQueries(DataSource);
            var keys = (await queries.KeysAsync(run)).ToDictionary(k => k.Key);
            keys.Keys.Should().Contain(["loss", "val/loss", "tokens_per_sec", "lr", "grad_norm"]);
            keys["loss"].Count.Should().Be(20);
            var loss = await queries.SeriesAsync(run, "loss");
            loss.Points[^1].Value.Should().BeLessThan(loss.Points[0].Value, $"{model} learns byte statistics");
            (await ScalarAsync<long>("SELECT (summary->>'inference_tokens_per_sec')::bigint FROM runs WHERE id = $1", run)).Should().BeGreaterThan(0);
            (await ScalarAsync<string>("SELECT summary->>'inference_path' FROM runs WHERE id = $1", run)).Should().Be("eager", "CUDA graphs need a CUDA device");
            if (model != "standard")
                keys["wave_ratio"].LastValue.Should().BeApproximately(0.25, 0.03, "top 25 % of each 48-token sequence: 12 of 48");
            if (model == "harmonic-moe")
                Enumerable.Range(0, 4).Sum(e => keys[$"moe/load/{e}"].LastValue).Should().BeApproximately(1.0, 1e-9);
        }
    }
}
