using Dashboard.Torch;
using Dashboard.Torch.NN;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Experiments.NGpt;

/// <summary>
/// One block of the seed's simplified nGPT (spec 001, train_h100_optimized.py): the sublayer output is added with a raw
/// α and the sum put back on the sphere; it is neither normalised itself nor interpolated towards (unlike the paper).
/// <code>
/// q, k, v = W_qkv x                                  per head, no q/k normalisation, no rotary
/// x = Norm(x + α_attn ⊙ W_o · softmax(q·kᵀ/√d, causal) v)
/// x = Norm(x + α_mlp ⊙ W₂ GELU(W₁ x))                 4× width, no biases
/// </code>
/// Norm is x · rsqrt(Σx² + 1e-8). α is a vector (C) or a scalar, initialised to alpha_init and used as stored.
/// </summary>
public sealed class SeedNGptBlock : Module<Tensor, Tensor>
{
    private const double NormEpsilon = 1e-8;
    private readonly NGptConfig _config;
    private readonly Linear _qkv, _attnOut, _up, _down;
    private readonly Tensor _attnAlpha, _mlpAlpha;

    public SeedNGptBlock(NGptConfig config)
    {
        _config = config;
        var c = config.Width;
        _qkv = RegisterModule("qkv", new Linear(c, 3 * c, bias: false));
        _attnOut = RegisterModule("out_proj", new Linear(c, c, bias: false));
        _up = RegisterModule("fc1", new Linear(c, 4 * c, bias: false));
        _down = RegisterModule("fc2", new Linear(4 * c, c, bias: false));
        long alphaSize = config.AlphaShape == "scalar" ? 1 : c;
        _attnAlpha = RegisterParameter("alpha_attn", Dashboard.Torch.Torch.Full([alphaSize], config.AlphaInit));
        _mlpAlpha = RegisterParameter("alpha_mlp", Dashboard.Torch.Torch.Full([alphaSize], config.AlphaInit));
    }

    /// <summary>The block's matrices: the seed's first AdamW group, and (with the embeddings and head) what it projects, along rows.</summary>
    public IEnumerable<Tensor> Matrices() => [_qkv.Weight, _attnOut.Weight, _up.Weight, _down.Weight];

    /// <summary>The seed's Norm: x · rsqrt(Σx² + 1e-8) along the last dimension, in float32 when x is in a lower precision.</summary>
    public static Tensor Norm(Tensor x)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var wide = x.Dtype is ScalarType.BFloat16 or ScalarType.Float16 ? x.To(ScalarType.Float32) : x;
        var normed = wide * (wide.Square().Sum(-1, keepDim: true) + NormEpsilon).Rsqrt();
        return (normed.Dtype == x.Dtype ? normed : normed.To(x.Dtype)).MoveToOuterScope();
    }

    public override Tensor Forward(Tensor x)                                           // (B, T, C), unit rows
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        long b = x.Size(0), t = x.Size(1), c = _config.Width, nh = _config.Heads, d = _config.HeadSize;

        var qkv = _qkv.Forward(x).Split(c, dim: 2);                                    // 3 × (B, T, C)
        var q = qkv[0].View(b, t, nh, d).Transpose(1, 2);                              // (B, nh, T, d)
        var k = qkv[1].View(b, t, nh, d).Transpose(1, 2);
        var v = qkv[2].View(b, t, nh, d).Transpose(1, 2);
        var y = F.ScaledDotProductAttention(q, k, v, isCausal: true);                  // (B, nh, T, d), scale 1/√d
        y = y.Transpose(1, 2).Contiguous().View(b, t, c);                              // (B, T, C)
        x = Norm(x + _attnAlpha * _attnOut.Forward(y));

        var h = _down.Forward(_up.Forward(x).Gelu());                                  // (B, T, 4C) → (B, T, C)
        x = Norm(x + _mlpAlpha * h);
        return x.MoveToOuterScope();
    }
}
