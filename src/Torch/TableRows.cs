using Dashboard.Torch.Native;

namespace Dashboard.Torch;

/// <summary>
/// Operations on the rows of a (V, C) table (a vocabulary's embeddings or a head's weight), with CUDA kernels
/// (native/row_kernels.cu) that make one pass over the table where the ATen references make two or three: at GPT-2's
/// vocabulary a float32 table is 77 MB, so each pass is ~25 µs of an H100's memory time. Float32 on CUDA takes the
/// kernels (where compiled in, checked on a GPU and not turned off); everything else runs the reference, which computes
/// the same values and gradients to rounding (the sums run in another order).
/// </summary>
public static class TableRows
{
    /// <summary>
    /// w ⊙ (k·s)[:, None]: each row of w (V, C) times its scale s (V), times k (nGPT's s_z on the head, stored rescaled).
    /// Differentiable in w and s. The kernel's backward gives ∂w and ∂s in one pass (ATen: a broadcast product for ∂w,
    /// another and a row sum for ∂s).
    /// </summary>
    public static Tensor Scaled(Tensor w, Tensor s, double k = 1, bool useKernel = true)
    {
        if (useKernel && KernelTakesScaled(w, s))
            return Tensor.Wrap(NativeMethods.dt_rows_scaled(w.Handle, s.Handle, k, out var result), result);
        return ScaledReference(w, s, k);
    }

    /// <summary>The ATen composition <see cref="Scaled"/> stands for.</summary>
    public static Tensor ScaledReference(Tensor w, Tensor s, double k = 1)
    {
        using var scope = Torch.NewDisposeScope();
        return (w * (s * k).Unsqueeze(1)).MoveToOuterScope();
    }

    /// <summary>Whether <see cref="Scaled"/> runs the kernel for these tensors.</summary>
    public static bool KernelTakesScaled(Tensor w, Tensor s) =>
        Fused.Usable(FusedKernel.ScaledRows) && w.Device.IsCuda && s.Device == w.Device &&
        w.Dtype == ScalarType.Float32 && s.Dtype == ScalarType.Float32 && w.Dim == 2 && s.Dim == 1 && s.Size(0) == w.Size(0);

    /// <summary>
    /// weight[indices] (indices of any shape → (…, C)), differentiable in weight. The kernel's backward writes the
    /// (V, C) gradient in one pass, each row the sum of its indices' gradient rows in ascending order (ATen: a zero fill,
    /// then a scatter of the rows).
    /// </summary>
    public static Tensor Embedding(Tensor weight, Tensor indices, bool useKernel = true)
    {
        if (useKernel && KernelTakesEmbedding(weight, indices))
            return Tensor.Wrap(NativeMethods.dt_rows_embedding(weight.Handle, indices.Handle, out var result), result);
        return Functional.Embedding(indices, weight);
    }

    /// <summary>Whether <see cref="Embedding"/> runs the kernel's backward for these tensors.</summary>
    public static bool KernelTakesEmbedding(Tensor weight, Tensor indices) =>
        Fused.Usable(FusedKernel.EmbeddingGradient) && weight.Device.IsCuda && indices.Device == weight.Device &&
        weight.Dtype == ScalarType.Float32 && indices.Dtype == ScalarType.Int64 && weight.Dim == 2;
}
