using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.Harmonic.Gpt;

/// <summary>
/// The write-up's mode coupling (spec §5.5): block l adds proj(Σ_{i&lt;l} κ[l, i] · h_i), the earlier blocks' outputs
/// weighted by a learned n_layer × n_layer coupling (init N(0, 0.02)); block 0 adds proj(0), the bias.
/// </summary>
public sealed class ModeCoupling : Module
{
    private readonly Linear _proj;

    public ModeCoupling(HarmonicConfig config)
    {
        Strength = RegisterParameter("coupling_strength", Init.Normal([config.Layers, config.Layers], 0.02));
        _proj = RegisterModule("proj", new Linear(config.Width, config.Width));
    }

    public Tensor Strength { get; }

    public Linear Projection => _proj;

    /// <summary>Coupling into block <paramref name="layer"/> from the outputs of blocks 0 … layer − 1, each (B, T, C).</summary>
    public Tensor Forward(int layer, IReadOnlyList<Tensor> earlier, Tensor like)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        if (layer == 0 || earlier.Count == 0) return _proj.Bias!.Expand(like.Shape).MoveToOuterScope();   // proj(0) = b
        var stacked = Dashboard.Torch.Torch.Stack([.. earlier], -1);                          // (B, T, C, l)
        var weights = Strength.Select(0, layer).Narrow(0, 0, earlier.Count);                 // (l)
        var mixed = stacked.MatMul(weights);                                                 // (B, T, C)
        return _proj.Forward(mixed).MoveToOuterScope();
    }
}
