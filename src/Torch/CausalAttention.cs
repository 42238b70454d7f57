using Dashboard.Torch.Native;

namespace Dashboard.Torch;

/// <summary>
/// Causal scaled dot-product attention, softmax(scale · q kᵀ, causal) v, with a CUDA kernel for short float32 sequences
/// (native/attention_kernels.cu: one block holds a whole head, T ≤ 128 and d ≤ 64, in shared memory, and computes only
/// the causal half) and ATen's scaled_dot_product_attention as the reference and for everything else. In float32
/// PyTorch's fused attention pads the head to 64 and tiles by 64 × 64; at nGPT's seed shape (T = 128, d = 48) that is
/// most of its time. Same values and gradients to float32 rounding; the kernel's result (and its gradients) lie in
/// memory as (B, T, H, d), so merging the heads afterwards is free. Held back in <see cref="Fused.HeldBack"/>:
/// no version has yet been measured faster than ATen's float32 attention there; the latest passes its GPU checks, but its
/// timing's CUDA graph failed to capture (ninth and tenth sessions: a flaw of the timing, fixed after the tenth
/// session's call and not yet rerun), so it is not yet timed.
/// </summary>
public static class CausalAttention
{
    public const long MaxKernelTime = 128;
    public const long MaxKernelHeadSize = 64;

    /// <summary>q, k, v (B, H, T, d) → (B, H, T, d). Differentiable in q, k and v.</summary>
    public static Tensor Apply(Tensor q, Tensor k, Tensor v, double scale, bool useKernel = true)
    {
        if (useKernel && KernelTakes(q, k, v))
            return Tensor.Wrap(NativeMethods.dt_fused_causal_attention(q.Handle, k.Handle, v.Handle, scale, out var result), result);
        return Reference(q, k, v, scale);
    }

    /// <summary>The ATen operation <see cref="Apply"/> stands for.</summary>
    public static Tensor Reference(Tensor q, Tensor k, Tensor v, double scale) =>
        Functional.ScaledDotProductAttention(q, k, v, isCausal: true, scale: scale);

    /// <summary>Whether <see cref="Apply"/> runs the kernel for these tensors.</summary>
    public static bool KernelTakes(Tensor q, Tensor k, Tensor v)
    {
        if (!Fused.Usable(FusedKernel.CausalAttention)) return false;
        var device = q.Device;
        if (!device.IsCuda || k.Device != device || v.Device != device) return false;
        if (q.Dtype != ScalarType.Float32 || k.Dtype != ScalarType.Float32 || v.Dtype != ScalarType.Float32) return false;
        var shape = q.Shape;
        if (shape.Length != 4 || !shape.SequenceEqual(k.Shape) || !shape.SequenceEqual(v.Shape)) return false;
        return shape[0] >= 1 && shape[1] >= 1 && shape[2] is >= 1 and <= MaxKernelTime && shape[3] is >= 1 and <= MaxKernelHeadSize;
    }
}
