using Dashboard.Torch;
using Dashboard.Worker.Experiments.ResidualStreams;

namespace Dashboard.Worker.Tests.Experiments;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// A model computes all its layers' stream mixers as one stack (one Sinkhorn projection for every layer): each slice,
/// and each logit's gradient, must be what the layer's own matrix gives, for every kind of mixer and both architectures.
/// </summary>
public sealed class StreamMixerStackTests
{
    [Theory]
    [InlineData(StreamMixer.Kind.Exp)]
    [InlineData(StreamMixer.Kind.Sinkhorn)]
    [InlineData(StreamMixer.Kind.RowSoftmax)]
    public void A_stack_of_mixers_equals_each_mixers_matrix_in_values_and_gradients(StreamMixer.Kind kind)
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(5);
        var mixers = Enumerable.Range(0, 6).Select(_ => new StreamMixer(4, kind, sinkhornIterations: 7)).ToList();
        var logits = Logits(mixers);
        var weights = Torch.Randn([6, 4, 4], ScalarType.Float64);   // a loss that weighs every entry differently

        var stack = StreamMixer.Matrices(mixers);                   // (6, 4, 4)
        (stack * weights).Sum().Backward();
        var stackSlices = stack.Detach().Unbind();
        var stackGrads = logits.Select(l => l.Grad!.Clone()).ToList();
        foreach (var l in logits) l.Grad!.Zero_();
        var one = mixers.Select(m => m.Matrix()).ToList();
        var weight = weights.Unbind();
        Torch.Stack(one.Select((m, i) => (m * weight[i]).Sum()).ToArray()).Sum().Backward();

        for (var i = 0; i < mixers.Count; i++)
        {
            MaxDifference(stackSlices[i], one[i]).Should().BeLessThan(1e-14, $"layer {i}'s matrix");
            MaxDifference(stackGrads[i], logits[i].Grad!).Should().BeLessThan(1e-14, $"layer {i}'s logit gradient");
        }
        (stackGrads.Max(g => g.Abs().Max().ToDouble())).Should().BeGreaterThan(1e-3, "the gradients compared are not all zero");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_mlp_architectures_stacked_mixings_equal_each_layers_own(bool constrained)
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(6);
        var layers = Enumerable.Range(0, 5).Select(_ => new HyperConnection(8, 4, constrained, sinkhornIterations: 9, initNoise: 0.3)).ToList();
        using (Torch.NoGrad())
            foreach (var layer in layers)
            {
                layer.To(ScalarType.Float64);
                var mixing = layer.NamedParameters().Single(p => p.Name == "mixing").Parameter;
                mixing.Add_(Torch.Randn(mixing.Shape, ScalarType.Float64));
            }
        var stack = HyperConnection.Mixings(layers);
        var slices = stack.Detach().Unbind();
        for (var i = 0; i < layers.Count; i++)
            MaxDifference(slices[i], layers[i].Mixing()).Should().BeLessThan(1e-14, $"layer {i}'s mixing");
        if (constrained)
            (stack.Sum(-1) - 1.0).Abs().Max().ToDouble().Should().BeLessThan(1e-2, "mHC's rows sum to about 1 after 9 iterations");
    }

    private static List<Tensor> Logits(IEnumerable<StreamMixer> mixers)
    {
        var logits = new List<Tensor>();
        using var noGrad = Torch.NoGrad();
        foreach (var mixer in mixers)
        {
            mixer.To(ScalarType.Float64);
            var p = mixer.Parameters().Single();
            p.Add_(Torch.Randn(p.Shape, ScalarType.Float64));       // away from the symmetric 2I − 1 start
            logits.Add(p);
        }
        return logits;
    }

    private static double MaxDifference(Tensor a, Tensor b)
    {
        using var difference = (a - b).Abs().Max();
        return difference.ToDouble();
    }
}
