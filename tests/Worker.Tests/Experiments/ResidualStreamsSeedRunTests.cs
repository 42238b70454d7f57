using Dashboard.Infrastructure.Metrics;
using Dashboard.Worker.Experiments.ResidualStreams;

namespace Dashboard.Worker.Tests.Experiments;

/// <summary>The seed architecture queued like a user queues it, run by a real worker against a real database.</summary>
public sealed class ResidualStreamsSeedRunTests() : BuiltInFamilyRunTests("residual-seed")
{
    private Task RunOneAsync() => base.RunOneAsync(new ResidualStreamsExecutor());

    [Fact]
    public async Task The_tiny_seed_preset_trains_mhc_to_success_with_its_gain_proxy_unchanged_by_training()
    {
        var run = await EnqueueAsync("""{"family": "residual-streams", "preset": "tiny-seed"}""");
        await RunOneAsync();

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("succeeded");
        var queries = new MetricQueries(DataSource);
        var loss = await queries.SeriesAsync(run, "loss");
        loss.Points.Should().HaveCount(20);
        loss.Points[^1].Value.Should().BeLessThan(loss.Points[0].Value, "the model learns to count");
        // Four Sinkhorn(exp(2I − 1)) layers at init: 1/4 + 3/4 λ⁴ with λ = (e² − 1)/(e² + 3). Identical streams and
        // permutation-symmetric mixers give the logits only uniform gradients, which Sinkhorn ignores (spec 002); only
        // rounding breaks the symmetry, and Adam's normalised steps move the value in its fourth decimal at most.
        var lambda = (Math.E * Math.E - 1) / (Math.E * Math.E + 3);
        var gain = await queries.SeriesAsync(run, ResidualStreamsExecutor.GainProxy);
        gain.Points.Should().OnlyContain(p => Math.Abs(p.Value - Math.Log10(0.25 + 0.75 * Math.Pow(lambda, 4))) < 5e-4);
    }

    [Fact]
    public async Task Hc_at_48_layers_with_on_nan_continue_records_every_step_non_finite_and_ends_diverged()
    {
        var run = await EnqueueAsync("""
            {"family": "residual-streams", "preset": "tiny-seed", "config": {"variant": "hc", "depth": 48, "steps": 3, "on_nan": "continue"}}
            """);
        await RunOneAsync();

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("diverged");
        (await ScalarAsync<string>("SELECT failure_reason FROM runs WHERE id = $1", run)).Should().Contain("at step 0").And.Contain("on_nan: continue");
        var queries = new MetricQueries(DataSource);
        var loss = await queries.SeriesAsync(run, "loss");
        loss.Points.Select(p => p.Step).Should().Equal(0, 1, 2);
        loss.Points.Should().OnlyContain(p => !double.IsFinite(p.Value), "the seed's HC at 48 layers is NaN from its first forward pass");
        (await queries.SeriesAsync(run, "nan_inf_events")).Points.Should().OnlyContain(p => p.Value == 1);
        var gain = await queries.SeriesAsync(run, ResidualStreamsExecutor.GainProxy);
        double.IsFinite(gain.Points[^1].Value).Should().BeFalse("the NaN gradients reach the mixers through the optimizer step");
    }
}
