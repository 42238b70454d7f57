using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.Harmonic.Gpt;

/// <summary>
/// One block of either model. Standard (nanoGPT): x += Attn(LN₁ x); x += MLP(LN₂ x). Harmonic (spec §5.6 order):
/// x += WaveSelectiveAttention(LN₁ x); x += (MLP or HarmonicMoE)(LN₂ x); x += ModeCoupling(l, earlier outputs).
/// </summary>
public sealed class GptBlock : Module
{
    private readonly int _layer;
    private readonly LayerNorm _ln1, _ln2;
    private readonly CausalSelfAttention? _attention;
    private readonly MLP? _mlp;

    public GptBlock(HarmonicConfig config, int layer)
    {
        _layer = layer;
        _ln1 = RegisterModule("ln_1", new LayerNorm(config.Width));
        if (config.Harmonic) WaveAttention = RegisterModule("attn", new WaveSelectiveAttention(config));
        else _attention = RegisterModule("attn", new CausalSelfAttention(config.Width, config.Heads, config.Dropout));
        _ln2 = RegisterModule("ln_2", new LayerNorm(config.Width));
        if (config.MixtureOfExperts) Experts = RegisterModule("moe", new HarmonicMoE(config));
        else _mlp = RegisterModule("mlp", new MLP(config.Width, config.Dropout));
        if (config.Harmonic) Coupling = RegisterModule("mode_coupling", new ModeCoupling(config));
    }

    public WaveSelectiveAttention? WaveAttention { get; }
    public HarmonicMoE? Experts { get; }
    public ModeCoupling? Coupling { get; }

    /// <summary>Linear layers that write into the residual stream (nanoGPT scales their init by 1/√(2·n_layer)).</summary>
    public IEnumerable<Linear> ResidualProjections()
    {
        yield return _attention?.OutputProjection ?? WaveAttention!.OutputProjection;
        if (_mlp is not null) yield return _mlp.Down;
        foreach (var expert in Experts?.Experts ?? []) yield return expert.Down;
    }

    /// <summary>(B, T, C) → (B, T, C); <paramref name="earlier"/> are the outputs of the blocks before this one.</summary>
    public Tensor Forward(Tensor x, IReadOnlyList<Tensor> earlier, Tensor? forcedWave = null)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var h = _ln1.Forward(x);
        x = x + (_attention?.Forward(h) ?? WaveAttention!.Forward(h, forcedWave));
        h = _ln2.Forward(x);
        x = x + (_mlp?.Forward(h) ?? Experts!.Forward(h, forcedWave));
        if (Coupling is not null) x = x + Coupling.Forward(_layer, earlier, x);
        return x.MoveToOuterScope();
    }
}
