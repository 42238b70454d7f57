using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.ResidualStreams;

/// <summary>A residual-streams language model of either architecture: tokens (B, T) → logits (B, T, vocab), and its gain proxy.</summary>
public abstract class StreamsModel : Module<Tensor, Tensor>
{
    /// <summary>The model of the config's architecture: <see cref="SeedStreamsModel"/> or <see cref="ResidualStreamsModel"/>.</summary>
    public static StreamsModel Create(ResidualStreamsConfig config) =>
        config.IsSeed ? new SeedStreamsModel(config) : new ResidualStreamsModel(config);

    /// <summary>
    /// The gain proxy: log10 of the largest absolute entry of the composed residual mixing H_L ⋯ H_1 (the residual mixers
    /// only, as the forward pass uses them), i.e. how much the residual path alone can amplify a signal from the first
    /// layer to the last. 0 for the baseline (identity).
    /// </summary>
    public abstract double GainProxy();

    /// <summary>log10 max |H_L ⋯ H_1|, in float64 on the CPU; each <paramref name="mixings"/> tensor is disposed here.</summary>
    protected static double LogMaxEntry(IEnumerable<Tensor> mixings, int streams)
    {
        using var noGrad = Dashboard.Torch.Torch.NoGrad();
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var product = Dashboard.Torch.Torch.Eye(streams, ScalarType.Float64);
        var any = false;
        foreach (var mixing in mixings)
        {
            any = true;
            var h = mixing.Cpu().To(ScalarType.Float64);
            product = h.MatMul(product);
        }
        return any ? Math.Log10(product.Abs().Max().ToDouble()) : 0.0;
    }
}
