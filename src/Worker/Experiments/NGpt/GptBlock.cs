using Dashboard.Torch;
using Dashboard.Torch.NN;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Experiments.NGpt;

/// <summary>
/// The baseline: a standard pre-norm transformer block, as the nGPT paper's GPT baseline (RMSNorm, rotary attention
/// with softmax scale 1/√d_k, SwiGLU MLP, no biases), so the comparison differs only in the normalisation.
/// <code>
/// h = h + W_o · attention(RMSNorm(h))
/// h = h + W_down (u ⊙ SiLU(v)),  u, v = W_uv RMSNorm(h)
/// </code>
/// </summary>
public sealed class GptBlock : Module<Tensor, Tensor>
{
    private readonly NGptConfig _config;
    private readonly RotaryEmbedding _rotary;
    private readonly RMSNorm _attnNorm, _mlpNorm;
    private readonly Linear _query, _key, _value, _attnOut, _uv, _mlpOut;

    public GptBlock(NGptConfig config, RotaryEmbedding rotary)
    {
        _config = config;
        _rotary = rotary;
        int c = config.Width, f = config.Hidden;
        _attnNorm = RegisterModule("attn_norm", new RMSNorm(c));
        _query = RegisterModule("query", new Linear(c, c, bias: false));
        _key = RegisterModule("key", new Linear(c, c, bias: false));
        _value = RegisterModule("value", new Linear(c, c, bias: false));
        _attnOut = RegisterModule("att_c_proj", new Linear(c, c, bias: false));
        _mlpNorm = RegisterModule("mlp_norm", new RMSNorm(c));
        _uv = RegisterModule("c_fc", new Linear(c, 2 * f, bias: false));
        _mlpOut = RegisterModule("mlp_c_proj", new Linear(f, c, bias: false));
    }

    /// <summary>The projections that write into the residual stream (initialised smaller, as GPT-2).</summary>
    public IEnumerable<Tensor> OutputProjections() => [_attnOut.Weight, _mlpOut.Weight];

    public override Tensor Forward(Tensor h)                                           // (B, T, C)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        long b = h.Size(0), t = h.Size(1), c = _config.Width, nh = _config.Heads, d = _config.HeadSize;

        var x = _attnNorm.Forward(h);
        var q = _rotary.Apply(_query.Forward(x).View(b, t, nh, d).Transpose(1, 2));    // (B, nh, T, d)
        var k = _rotary.Apply(_key.Forward(x).View(b, t, nh, d).Transpose(1, 2));
        var v = _value.Forward(x).View(b, t, nh, d).Transpose(1, 2);
        var y = F.ScaledDotProductAttention(q, k, v, isCausal: true);                  // (B, nh, T, d)
        y = y.Transpose(1, 2).Contiguous().View(b, t, c);                              // (B, T, C)
        h = h + _attnOut.Forward(y);

        var parts = _uv.Forward(_mlpNorm.Forward(h)).Chunk(2, dim: -1);                // u, v: (B, T, F)
        h = h + _mlpOut.Forward(parts[0] * parts[1].Silu());                           // (B, T, C)
        return h.MoveToOuterScope();
    }
}
