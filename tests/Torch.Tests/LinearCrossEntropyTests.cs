using F = Dashboard.Torch.Functional;

namespace Dashboard.Torch.Tests;

/// <summary>The chunked head + cross entropy against the unfused ATen path, in float64: loss and every gradient.</summary>
public class LinearCrossEntropyTests
{
    [Theory]
    [InlineData(64L)]
    [InlineData(7L)]
    [InlineData(1000L)]
    public void Equals_cross_entropy_of_the_linear_with_the_same_gradients(long chunkRows)
    {
        Torch.ManualSeed(11);
        using var scope = Torch.NewDisposeScope();
        var hidden0 = Torch.Randn([50, 12], ScalarType.Float64).RequiresGrad_();
        var weight0 = Torch.Randn([37, 12], ScalarType.Float64).RequiresGrad_();
        var scale = Torch.Rand([37], ScalarType.Float64).RequiresGrad_();
        var targets = Torch.RandInt(0, 37, [50]);

        // The head's weight as nGPT builds it (rows scaled by s_z) and hidden states behind an op, so gradients must
        // flow on through what made them.
        (Tensor, Tensor) Inputs() => (hidden0.Tanh(), weight0 * scale.Unsqueeze(1));

        var (h1, w1) = Inputs();
        var expected = F.CrossEntropy(F.Linear(h1, w1), targets);
        expected.Backward();
        var expectedGrads = new[] { hidden0, weight0, scale }.Select(p => p.Grad!.Clone()).ToArray();
        foreach (var p in new[] { hidden0, weight0, scale }) p.ClearGrad();

        var (h2, w2) = Inputs();
        var (loss, surrogate) = LinearCrossEntropy.Compute(h2, w2, targets, chunkRows);
        loss.RequiresGrad.Should().BeFalse();
        surrogate.Backward();

        loss.ToDouble().Should().BeApproximately(expected.ToDouble(), 1e-6, "the loss comes back in float32");
        var actualGrads = new[] { hidden0, weight0, scale }.Select(p => p.Grad!).ToArray();
        for (var i = 0; i < 3; i++)
            actualGrads[i].AllClose(expectedGrads[i], rtol: 1e-10, atol: 1e-12).Should().BeTrue($"gradient {i}");
    }

    [Fact]
    public void A_chunk_size_below_one_is_refused()
    {
        using var h = Torch.Zeros([2, 3]);
        using var w = Torch.Zeros([4, 3]);
        using var t = Torch.Zeros([2], ScalarType.Int64);
        var act = () => LinearCrossEntropy.Compute(h, w, t, 0);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
