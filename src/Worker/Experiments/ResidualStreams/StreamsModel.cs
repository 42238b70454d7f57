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

    /// <summary>The residual mixers H_res,1 … H_res,L (S × S each) as the forward pass uses them; none for the baseline.</summary>
    public abstract IEnumerable<Tensor> Mixings();

    /// <summary>
    /// The gain proxy of mixers read earlier (the rows of <see cref="Mixings"/>, flattened layer after layer), for a
    /// value taken on the device inside a step and read on the host after it.
    /// </summary>
    public static double GainProxyOf(float[] flattened, int streams) => LogMaxEntry(Unflatten(flattened, streams), streams);

    private static IEnumerable<Tensor> Unflatten(float[] flattened, int streams)
    {
        var size = streams * streams;
        for (var offset = 0; offset + size <= flattened.Length; offset += size)
            yield return Tensor.From(new ReadOnlySpan<float>(flattened, offset, size), [streams, streams]);
    }

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
