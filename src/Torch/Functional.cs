namespace Dashboard.Torch;

/// <summary>How a loss reduces over the batch (the at::Reduction codes).</summary>
public enum Reduction
{
    None = 0,
    Mean = 1,
    Sum = 2,
}

/// <summary>
/// Neural-network functions (PyTorch's torch.nn.functional). Ops that only newer libtorch has
/// (scaled_dot_product_attention from 2.0, rms_norm from 2.4) are detected at run time and
/// composed from basic ops otherwise.
/// </summary>
public static class Functional
{
    private static readonly Lazy<bool> s_hasSdpa = new(() => Op.Exists("aten::scaled_dot_product_attention"));
    private static readonly Lazy<bool> s_hasRmsNorm = new(() => Op.Exists("aten::rms_norm"));

    /// <summary>Whether this libtorch has a fused scaled_dot_product_attention (else the manual fallback runs).</summary>
    public static bool HasFusedAttention => s_hasSdpa.Value;

    /// <summary>Whether this libtorch has aten::rms_norm (else it is composed).</summary>
    public static bool HasRmsNormOp => s_hasRmsNorm.Value;

    /// <summary>x Wᵀ + b. Shapes: x (*, in), weight (out, in), bias (out) → (*, out).</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) => Ops.Linear.Call(input, weight, bias);

    public static Tensor Softmax(Tensor input, int dim) => Ops.Softmax.Call(input, (long)dim);

    public static Tensor LogSoftmax(Tensor input, int dim) => Ops.LogSoftmax.Call(input, (long)dim);

    public static Tensor Silu(Tensor input) => input.Silu();

    public static Tensor Gelu(Tensor input, string approximate = "none") => input.Gelu(approximate);

    public static Tensor Relu(Tensor input) => input.Relu();

    public static Tensor Tanh(Tensor input) => input.Tanh();

    public static Tensor Sigmoid(Tensor input) => input.Sigmoid();

    /// <summary>Zeroes elements with probability p and scales the rest by 1/(1-p) when training.</summary>
    public static Tensor Dropout(Tensor input, double p, bool training) =>
        training && p > 0 ? Ops.Dropout.Call(input, p, true) : input.NewReference();

    /// <summary>Rows of <paramref name="weight"/> picked by <paramref name="indices"/>: (*) → (*, dim).</summary>
    public static Tensor Embedding(Tensor indices, Tensor weight) => Ops.Embedding.Call(weight, indices);

    /// <summary>
    /// Cross entropy of logits (N, C) against class indices (N) (or logits (N, C, d…) and targets (N, d…)).
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean,
        long ignoreIndex = -100, double labelSmoothing = 0.0, Tensor? weight = null) =>
        Ops.CrossEntropy.Call(logits, target, weight, (long)reduction, ignoreIndex, labelSmoothing);

    public static Tensor NllLoss(Tensor logProbabilities, Tensor target, Reduction reduction = Reduction.Mean, long ignoreIndex = -100) =>
        Ops.NllLoss.Call(logProbabilities, target, Arg.None, (long)reduction, ignoreIndex);

    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Ops.MseLoss.Call(input, target, (long)reduction);

    /// <summary>x / max(‖x‖_p, eps) along <paramref name="dim"/> (F.normalize).</summary>
    public static Tensor Normalize(Tensor input, double p = 2.0, int dim = 1, double eps = 1e-12)
    {
        using var norm = input.Norm(dim, p, keepDim: true);
        using var clamped = norm.ClampMin(eps);
        using var denominator = clamped.Expand(input.Shape);
        return input / denominator;
    }

    /// <summary>Layer normalisation over the trailing <paramref name="normalizedShape"/> dimensions.</summary>
    public static Tensor LayerNorm(Tensor input, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        Ops.LayerNorm.Call(input, normalizedShape, weight, bias, eps);

    /// <summary>
    /// RMS normalisation: x / sqrt(mean(x²) + eps) · weight over the trailing dimensions. A null
    /// <paramref name="eps"/> means the dtype's machine epsilon, as in PyTorch.
    /// </summary>
    public static Tensor RmsNorm(Tensor input, long[] normalizedShape, Tensor? weight = null, double? eps = null)
    {
        if (HasRmsNormOp) return Ops.RmsNorm.Call(input, normalizedShape, weight, Arg.Optional(eps));
        var e = eps ?? MachineEpsilon(input.Dtype);
        var dims = new long[normalizedShape.Length];
        for (var i = 0; i < dims.Length; i++) dims[i] = -1 - i;
        using var squared = input.Square();
        using var meanSquare = squared.Mean(dims, keepDim: true);
        using var shifted = meanSquare + e;
        using var inverse = shifted.Rsqrt();
        if (weight is null) return input * inverse;
        using var normalized = input * inverse;
        return normalized * weight;
    }

    /// <summary>
    /// softmax(Q Kᵀ · scale + mask) V. Shapes: q (B, H, L, E), k (B, H, S, E), v (B, H, S, Ev) → (B, H, L, Ev).
    /// A boolean mask keeps where true; a float mask is added. Fused when libtorch has it.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? attentionMask = null,
        double dropout = 0.0, bool isCausal = false, double? scale = null)
    {
        if (HasFusedAttention)
        {
            // Older 2.x schemas have no scale argument: pass it only when asked.
            return scale is null
                ? Ops.ScaledDotProductAttention.Call(query, key, value, attentionMask, dropout, isCausal)
                : Ops.ScaledDotProductAttention.Call(query, key, value, attentionMask, dropout, isCausal, scale.Value);
        }
        return ManualAttention(query, key, value, attentionMask, dropout, isCausal, scale);
    }

    /// <summary>The composed attention used when libtorch has no fused kernel (public for tests and comparisons).</summary>
    public static Tensor ManualAttention(Tensor query, Tensor key, Tensor value, Tensor? attentionMask = null,
        double dropout = 0.0, bool isCausal = false, double? scale = null)
    {
        using var scope = Torch.NewDisposeScope();
        var q = query.Shape;
        var k = key.Shape;
        long l = q[^2], s = k[^2];
        var factor = scale ?? 1.0 / Math.Sqrt(q[^1]);
        var scores = query.MatMul(key.Transpose(-2, -1)) * factor;
        if (isCausal)
        {
            var keep = Torch.Ones([l, s], ScalarType.Bool, query.Device).Tril();
            scores = scores.MaskedFill(keep.LogicalNot(), double.NegativeInfinity);
        }
        if (attentionMask is not null)
        {
            scores = attentionMask.Dtype == ScalarType.Bool
                ? scores.MaskedFill(attentionMask.LogicalNot(), double.NegativeInfinity)
                : scores + attentionMask;
        }
        var weights = Softmax(scores, -1);
        if (dropout > 0) weights = Ops.Dropout.Call(weights, dropout, true);
        return weights.MatMul(value).MoveToOuterScope();
    }

    /// <summary>Whole-sequence LSTM (aten::lstm). Returns output and the final (h, c), each (layers, B, H).</summary>
    public static (Tensor Output, Tensor H, Tensor C) Lstm(Tensor input, Tensor h0, Tensor c0, Tensor[] weights,
        bool hasBiases, int numLayers, double dropout, bool training, bool batchFirst)
    {
        var outs = Ops.Lstm.CallMany(input, new[] { h0, c0 }, weights, hasBiases, (long)numLayers, dropout, training, false, batchFirst);
        return (outs[0]!, outs[1]!, outs[2]!);
    }

    /// <summary>Whole-sequence GRU (aten::gru). Returns output and the final h (layers, B, H).</summary>
    public static (Tensor Output, Tensor H) Gru(Tensor input, Tensor h0, Tensor[] weights,
        bool hasBiases, int numLayers, double dropout, bool training, bool batchFirst)
    {
        var outs = Ops.Gru.CallMany(input, h0, weights, hasBiases, (long)numLayers, dropout, training, false, batchFirst);
        return (outs[0]!, outs[1]!);
    }

    /// <summary>One LSTM step: (h, c) from input (B, in) and state (B, H).</summary>
    public static (Tensor H, Tensor C) LstmCell(Tensor input, Tensor h, Tensor c, Tensor weightIh, Tensor weightHh, Tensor? biasIh, Tensor? biasHh)
    {
        var outs = Ops.LstmCell.CallMany(input, new[] { h, c }, weightIh, weightHh, biasIh, biasHh);
        return (outs[0]!, outs[1]!);
    }

    /// <summary>One GRU step: h' from input (B, in) and h (B, H).</summary>
    public static Tensor GruCell(Tensor input, Tensor h, Tensor weightIh, Tensor weightHh, Tensor? biasIh, Tensor? biasHh) =>
        Ops.GruCell.Call(input, h, weightIh, weightHh, biasIh, biasHh);

    private static double MachineEpsilon(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => 2.220446049250313e-16,
        ScalarType.Float16 => 0.0009765625,
        ScalarType.BFloat16 => 0.0078125,
        _ => 1.1920928955078125e-07,
    };
}
