using Dashboard.Torch;
using Dashboard.Torch.NN;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Experiments.NGpt;

/// <summary>
/// One nGPT block (Loshchilov et al. 2024, "nGPT: Normalized Transformer with Representation Learning on the
/// Hypersphere", §2; names as in its reference code). No norm layers: hidden states h are unit vectors.
/// <code>
/// q, k = s_qk ⊙ Norm(RoPE(W_q h)), s_qk ⊙ Norm(RoPE(W_k h))       per head
/// h_A  = W_o · softmax(q·kᵀ · √d_k, causal) · W_v h             cosine attention: q·k ∈ [−s², s²]
/// h    = Norm(h + α_A (Norm(h_A) − h))
/// u, v = (s_uv √C) ⊙ W_uv h                                       SwiGLU
/// h_M  = W_down (u ⊙ SiLU(v))
/// h    = Norm(h + α_M (Norm(h_M) − h))
/// </code>
/// The scales are stored as s·(scaling/init) and used as stored·(init/scaling), the paper's trick to give Adam
/// well-sized updates for them: α with init alpha_init, scaling 1/√C; s_qk init 1, scaling 1/√C; s_uv init 1, scaling 1.
/// </summary>
public sealed class NGptBlock : Module<Tensor, Tensor>
{
    private const double SqkInit = 1.0;
    private readonly NGptConfig _config;
    private readonly RotaryEmbedding _rotary;
    private readonly double _baseScale;
    private readonly Linear _query, _key, _value, _attnOut, _uv, _mlpOut;
    private readonly Tensor _attnAlpha, _mlpAlpha, _sqk, _suv;

    public NGptBlock(NGptConfig config, RotaryEmbedding rotary)
    {
        _config = config;
        _rotary = rotary;
        _baseScale = 1.0 / Math.Sqrt(config.Width);
        int c = config.Width, f = config.Hidden;
        _query = RegisterModule("query", new Linear(c, c, bias: false));
        _key = RegisterModule("key", new Linear(c, c, bias: false));
        _value = RegisterModule("value", new Linear(c, c, bias: false));
        _attnOut = RegisterModule("att_c_proj", new Linear(c, c, bias: false));
        _uv = RegisterModule("c_fc", new Linear(c, 2 * f, bias: false));
        _mlpOut = RegisterModule("mlp_c_proj", new Linear(f, c, bias: false));
        long alphaSize = config.AlphaShape == "scalar" ? 1 : c;
        _attnAlpha = RegisterParameter("attn_alpha", Dashboard.Torch.Torch.Full([alphaSize], _baseScale));
        _mlpAlpha = RegisterParameter("mlp_alpha", Dashboard.Torch.Torch.Full([alphaSize], _baseScale));
        _sqk = RegisterParameter("sqk", Dashboard.Torch.Torch.Full([c], _baseScale));
        _suv = RegisterParameter("suv", Dashboard.Torch.Torch.Ones([2 * f]));
    }

    /// <summary>The matrices nGPT keeps at unit norm, with the dimension along which (the one of length C).</summary>
    public IEnumerable<(Tensor Weight, int Dim)> UnitMatrices()
    {
        yield return (_query.Weight, 1);    // (C, C): rows
        yield return (_key.Weight, 1);
        yield return (_value.Weight, 1);
        yield return (_attnOut.Weight, 0);  // (C, C): columns
        yield return (_uv.Weight, 1);       // (2F, C): rows
        yield return (_mlpOut.Weight, 0);   // (C, F): columns
    }

    /// <summary>The eigen learning rates α_A, α_M as used (non-negative), for diagnostics.</summary>
    public (Tensor Attention, Tensor Mlp) Alphas() => (Alpha(_attnAlpha), Alpha(_mlpAlpha));

    private Tensor Alpha(Tensor stored)
    {
        using var scaled = stored * AlphaMultiplier;
        return scaled.Abs();
    }

    // The stored scales' multipliers (init/scaling). The fused ops take them and the stored parameters, and apply them
    // (and α's |·|) where they read the scales: no kernels of their own, forward or backward, in the graphed step.
    private double AlphaMultiplier => _config.AlphaInit / _baseScale;
    private double SqkMultiplier => SqkInit / _baseScale;
    private double SuvMultiplier => Math.Sqrt(_config.Width);

    public override Tensor Forward(Tensor h)                                           // (B, T, C), unit rows
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        long b = h.Size(0), t = h.Size(1), c = _config.Width, nh = _config.Heads, d = _config.HeadSize;

        // W_q, W_k, W_v as one (3C, C) product: h is read (and cast, under autocast) once, one GEMM instead of three.
        var qkvWeight = Dashboard.Torch.Torch.Cat([_query.Weight, _key.Weight, _value.Weight], dim: 0);   // (3C, C)
        // Chunk, not three narrows: its backward is one cat of the three gradients, not three zero-filled copies summed.
        var qkv = F.Linear(h, qkvWeight).Chunk(3, dim: -1);                            // 3 × (B, T, C)
        var q = qkv[0].View(b, t, nh, d).Transpose(1, 2);                              // (B, nh, T, d)
        var k = qkv[1].View(b, t, nh, d).Transpose(1, 2);
        var v = qkv[2].View(b, t, nh, d).Transpose(1, 2);
        var sqk = _sqk.View(1, nh, 1, d);                                              // stored s_qk per head channel
        q = _rotary.ApplyNormalized(q, sqk, _config.FusedKernels, SqkMultiplier);       // s_qk ⊙ Norm(RoPE(q))
        k = _rotary.ApplyNormalized(k, sqk, _config.FusedKernels, SqkMultiplier);
        var y = CausalAttention.Apply(q, k, v, Math.Sqrt(d), _config.FusedKernels);      // (B, nh, T, d)
        y = y.Transpose(1, 2).Contiguous().View(b, t, c);                              // (B, T, C): no copy after the kernel
        var hA = _attnOut.Forward(y);                                                  // (B, T, C)
        h = Sphere.Update(h, hA, _attnAlpha, AlphaMultiplier, _config.FusedKernels);   // α_A = |stored · init/scaling|

        var uv = _uv.Forward(h);                                                       // (B, T, 2F)
        // (s_u ⊙ u) ⊙ SiLU(s_v ⊙ v), s = stored s_uv · √C: (B, T, F)
        var gated = Fused.ScaledSwiGlu(uv, _suv, _config.FusedKernels, SuvMultiplier);
        var hM = _mlpOut.Forward(gated);                                               // (B, T, C)
        h = Sphere.Update(h, hM, _mlpAlpha, AlphaMultiplier, _config.FusedKernels);
        return h.MoveToOuterScope();
    }
}
