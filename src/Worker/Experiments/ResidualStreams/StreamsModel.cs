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

    /// <summary>The residual mixers H_res,1 … H_res,L as the forward pass uses them, one (L, S, S) stack; null for the baseline.</summary>
    public abstract Tensor? Mixings();

    /// <summary>
    /// The gain proxy of mixers read earlier (<see cref="Mixings"/> flattened), for a value taken on the device inside
    /// a step and read on the host after it.
    /// </summary>
    public static double GainProxyOf(float[] flattened, int streams) =>
        flattened.Length == 0 ? 0.0 : LogMaxEntry(Tensor.From(flattened, [flattened.Length / (streams * streams), streams, streams]), streams);

    /// <summary>log10 max |H_L ⋯ H_1| of an (L, S, S) stack, in float64 on the CPU (0 for none); disposes <paramref name="mixings"/>.</summary>
    protected static double LogMaxEntry(Tensor? mixings, int streams)
    {
        if (mixings is null) return 0.0;
        using var noGrad = Dashboard.Torch.Torch.NoGrad();
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        using var stack = mixings;
        var product = Dashboard.Torch.Torch.Eye(streams, ScalarType.Float64);
        foreach (var h in stack.Detach().Cpu().To(ScalarType.Float64).Unbind())
            product = h.MatMul(product);
        return Math.Log10(product.Abs().Max().ToDouble());
    }
}
