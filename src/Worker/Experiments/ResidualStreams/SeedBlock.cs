using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.ResidualStreams;

/// <summary>
/// The seed's layer function (spec 002, transformer_block.py): a pre-norm transformer block with biases that
/// carries its own identity path, so inside HC/mHC every layer adds the merged stream once more.
/// <code>
/// x = x + MHA(LayerNorm(x), causal)              nn.MultiheadAttention, 1/√d_head
/// x = x + W₂ GELU(W₁ LayerNorm(x) + b₁) + b₂      d → d_ff → d
/// return x                                        = input + attn + ff
/// </code>
/// Initialised as nn.MultiheadAttention: in-projection Xavier-uniform with zero bias, output projection U(±1/√d)
/// with zero bias; the feed-forward as nn.Linear.
/// </summary>
public sealed class SeedBlock : Module<Tensor, Tensor>
{
    private readonly LayerNorm _attnNorm, _ffNorm;
    private readonly CausalSelfAttention _attention;
    private readonly MLP _feedForward;

    public SeedBlock(int width, int heads, int feedForward)
    {
        _attnNorm = RegisterModule("ln1", new LayerNorm(width));
        _attention = RegisterModule("attn", new CausalSelfAttention(width, heads));
        _ffNorm = RegisterModule("ln2", new LayerNorm(width));
        _feedForward = RegisterModule("ff", new MLP(width, hidden: feedForward));
        using var noGrad = Dashboard.Torch.Torch.NoGrad();
        var xavier = Math.Sqrt(6.0 / (width + 3 * width));   // fan_in d, fan_out 3d
        _attention.QkvProjection.Weight.Uniform_(-xavier, xavier);
        _attention.QkvProjection.Bias!.Zero_();
        _attention.OutputProjection.Bias!.Zero_();
    }

    public override Tensor Forward(Tensor x)                                // (B, T, C)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var attended = x + _attention.Forward(_attnNorm.Forward(x));
        var output = attended + _feedForward.Forward(_ffNorm.Forward(attended));
        return output.MoveToOuterScope();                                   // (B, T, C)
    }
}
