using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.NGpt;

/// <summary>
/// Rotary position embeddings (Su et al., RoFormer), in the half-split layout of GPT-NeoX and LLaMA: channel i of
/// the first half and channel i of the second half of a head are rotated together by the angle t·10000^(−2i/d).
/// A rotation keeps norms, so it commutes with nGPT's normalisation of q and k.
/// </summary>
public sealed class RotaryEmbedding : Module
{
    private readonly Tensor _cos, _sin;   // (context, d)

    public RotaryEmbedding(int headSize, int context)
    {
        if (headSize % 2 != 0) throw new ArgumentException("rotary embeddings need an even head size", nameof(headSize));
        var half = headSize / 2;
        var inverse = new double[half];
        for (var i = 0; i < half; i++) inverse[i] = Math.Pow(10000, -2.0 * i / headSize);
        var cos = new float[context * headSize];
        var sin = new float[context * headSize];
        for (var t = 0; t < context; t++)
        {
            for (var i = 0; i < headSize; i++)
            {
                var angle = t * inverse[i % half];      // in double: t·θ reaches thousands of radians
                cos[t * headSize + i] = (float)Math.Cos(angle);
                sin[t * headSize + i] = (float)Math.Sin(angle);
            }
        }
        _cos = RegisterBuffer("cos", Tensor.From(cos, [context, headSize]));
        _sin = RegisterBuffer("sin", Tensor.From(sin, [context, headSize]));
    }

    /// <summary>
    /// nGPT's q and k: (multiplier · scale) ⊙ Norm(RoPE(x)), x (B, heads, T, d) → the same, scale (1, heads, 1, d) as
    /// stored. One fused CUDA kernel where compiled in and <paramref name="fused"/> (<see cref="Fused.RotaryNormalize"/>,
    /// the multiplier applied inside it), else <c>(scale * multiplier) * Sphere.Normalize(Apply(x))</c> as ATen ops.
    /// </summary>
    public Tensor ApplyNormalized(Tensor x, Tensor scale, bool fused = true, double multiplier = 1) =>
        Fused.RotaryNormalize(x, _cos, _sin, scale, useKernel: fused, multiplier: multiplier);

    /// <summary>x rotated by position: x·cos + rotate_half(x)·sin. Shape (B, heads, T, d) → the same.</summary>
    public Tensor Apply(Tensor x)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var t = x.Size(2);
        var halves = x.Chunk(2, dim: -1);                                          // 2 × (B, nh, T, d/2)
        var rotated = Dashboard.Torch.Torch.Cat([halves[1].Neg(), halves[0]], dim: -1);   // (−x₂, x₁)
        var cos = _cos.Narrow(0, 0, t).To(x.Dtype);                                // (T, d)
        var sin = _sin.Narrow(0, 0, t).To(x.Dtype);
        return (x * cos + rotated * sin).MoveToOuterScope();
    }
}
