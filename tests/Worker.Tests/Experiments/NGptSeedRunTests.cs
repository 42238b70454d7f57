using Dashboard.Infrastructure.Metrics;
using Dashboard.Worker.Experiments.NGpt;

namespace Dashboard.Worker.Tests.Experiments;

/// <summary>The ngpt family's seed variant queued like a user queues it, run by a real worker against a real database.</summary>
public sealed class NGptSeedRunTests() : BuiltInFamilyRunTests("ngpt-seed")
{
    [Fact]
    public async Task The_tiny_seed_preset_trains_on_bytes_with_lazy_projection()
    {
        var run = await EnqueueAsync("""{"family": "ngpt", "preset": "tiny-seed", "config": {"projection_every": 10}}""");
        await RunOneAsync(new NGptExecutor());

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("succeeded");
        var queries = new MetricQueries(DataSource);
        var keys = (await queries.KeysAsync(run)).ToDictionary(k => k.Key);
        keys.Keys.Should().Contain(["loss", "val/loss", "tokens_per_sec", "projections", "weight_norm_deviation"]);
        keys["projections"].LastValue.Should().Be(3, "steps 0, 10 and 20");
        var loss = await queries.SeriesAsync(run, "loss");
        loss.Points[^1].Value.Should().BeLessThan(loss.Points[0].Value - 0.5, "the model learns byte statistics");
        var validation = await queries.SeriesAsync(run, "val/loss");
        validation.Points[^1].Value.Should().BeLessThan(validation.Points[0].Value);
    }

    [Fact]
    public async Task A_gpt2_tokenizer_run_trains_on_the_corpus_GPT2_ids_from_a_token_file()
    {
        var corpus = Path.Combine(Artifacts, "corpus");
        var cache = Path.Combine(Artifacts, "tokens");
        Directory.CreateDirectory(corpus);
        string[] names = ["ca01", "ca02", "ca03", "ca04", "ca05", "ca06", "ca07", "ca08", "ca09", "cr09"];
        var sentence = string.Join(' ', "The/at jury/nn further/rbr said/vbd in/in term-end/nn presentments/nns that/cs the/at City/nn-tl ./.".Split(' '));
        for (var i = 0; i < names.Length; i++)
            File.WriteAllText(Path.Combine(corpus, names[i]), string.Concat(Enumerable.Repeat($"\n\n\t{sentence}\n", 6)));
        var run = await EnqueueAsync("""
            {"family": "ngpt", "preset": "tiny-seed", "config": {"tokenizer": "gpt2", "vocab": 50257, "layers": 1, "width": 16,
             "context": 16, "batch": 2, "steps": 3, "val_every": 3, "val_batches": 1}}
            """);
        await RunOneAsync(new NGptExecutor(corpus, cache));

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("succeeded");
        Directory.GetFiles(cache, "brown-gpt2-*.tokens").Should().ContainSingle();
        (await ScalarAsync<long>("SELECT (summary->'corpus_tokens'->>'validation')::bigint FROM runs WHERE id = $1", run))
            .Should().Be(Gpt2Tokens.Encode(System.Text.Encoding.UTF8.GetString(BrownCorpus.Load(corpus).Validation)).Count);
        var loss = await new MetricQueries(DataSource).SeriesAsync(run, "loss");
        // ln 50257 = 10.8 plus half the variance of the logits, random cosines at width 16 times 10: 100/16/2 = 3.1.
        loss.Points[0].Value.Should().BeInRange(12.5, 15.5, "the loss is a cross entropy over GPT-2's 50,257 ids");
    }
}
