using Dashboard.Torch.Native;

namespace Dashboard.Torch;

/// <summary>
/// Operations with a fused CUDA kernel in the shim (native/fused_kernels.cu) and an ATen reference here. The kernel
/// runs when it was compiled in (<see cref="IsCompiledIn"/>: build.sh found nvcc and a CUDA libtorch), the tensors are
/// on a CUDA device in a dtype it takes (float32, bfloat16, float16) and the caller did not turn it off; otherwise the
/// reference runs, which is what every CPU build and CPU tensor gets. Both compute the same values and gradients, to
/// rounding: the kernels accumulate in float32 and make one pass over the data where the reference makes several, so
/// the gain is launches and memory traffic, never a different result.
/// </summary>
public static class Fused
{
    private static readonly Lazy<bool> s_compiledIn = new(() =>
    {
        var compiledIn = NativeMethods.dt_has_fused_kernels() != 0;
        if (compiledIn) PushPartialSums();
        return compiledIn;
    });

    /// <summary>Whether the shim was compiled with the fused kernels (logs and benchmarks say which path ran).</summary>
    public static bool IsCompiledIn => s_compiledIn.Value;

    private static readonly HashSet<FusedKernel> s_refused = [];

    /// <summary>
    /// Stops using one kernel in this process (its operation runs the ATen reference from now on): for a kernel that
    /// failed its check on this GPU (the families benchmark's GPU checks), so that one bad kernel costs only itself.
    /// </summary>
    public static void Refuse(FusedKernel kernel)
    {
        lock (s_refused) s_refused.Add(kernel);
        if (IsCompiledIn) PushPartialSums();
    }

    /// <summary>
    /// Kernels the workers do not use: not yet passed their check on a GPU (benchmarks/Families.Benchmarks/GpuChecks.cs,
    /// run on a lent GPU machine and recorded in docs/benchmarks.md), or passed it but made nGPT's graphed step slower
    /// there. Their operations run the ATen reference unless a process opts in with <see cref="AllowHeldBack"/>, as the
    /// families benchmark does to check and time them. A kernel leaves this set in the commit that records its passed
    /// check and a step at least as fast with it.
    /// </summary>
    // Checked on an H100 on 2026-12-07 (docs/benchmarks.md): the other nGPT kernels in the fourth session (the cross
    // entropy's row cache in the sixth, its two blocks an SM and the rotary's dense ∂x in the ninth), the point-cloud and
    // graph kernels (HHmL's) in the fifth, the sum of the parameter partials (PartialSums) in the ninth, the scaled head
    // rows (TableRows.Scaled) in the tenth: 135 against ATen's 244 µs alone, the fp32 graphed step 158,367 tokens/s
    // with it and 156,919 without. Held back: the short-sequence attention passed its checks, but its timing's CUDA
    // graph failed to capture (tenth session; a flaw of the timing, fixed, not rerun), so it is untimed; the embedding's gradient kernel passed its checks
    // and is faster on ids drawn from the whole vocabulary (44 against 117 µs), but was slower on the product's byte
    // tokens (ids < 256, all in four of its blocks: 114 against 100 µs in the tenth session's first version, ~0.7 ms
    // in the ninth's, which is what made the ninth session's step slower). AdamW's step with the projection in one pass
    // (Optim/AdamWProjectionKernel.cs, eleventh session) is checked only by its CPU emulation so far.
    public static readonly IReadOnlySet<FusedKernel> HeldBack = new HashSet<FusedKernel>
    {
        FusedKernel.CausalAttention, FusedKernel.EmbeddingGradient, FusedKernel.AdamWProjection,
    };

    private static volatile bool s_allowHeldBack;

    /// <summary>Uses the kernels of <see cref="HeldBack"/> too in this process (to check and time them on a GPU), or, with false, no longer.</summary>
    public static void AllowHeldBack(bool allow = true)
    {
        s_allowHeldBack = allow;
        if (IsCompiledIn) PushPartialSums();
    }

    internal static bool Usable(FusedKernel kernel) => IsCompiledIn && Allowed(kernel);

    private static bool Allowed(FusedKernel kernel)
    {
        if (HeldBack.Contains(kernel) && !s_allowHeldBack) return false;
        lock (s_refused) return !s_refused.Contains(kernel);
    }

    // The partial sums run inside the native backwards, which cannot ask Usable: the shim holds a switch that follows it.
    private static void PushPartialSums() => NativeMethods.dt_rows_use_partial_sums_kernel(Allowed(FusedKernel.PartialSums) ? 1 : 0);

    /// <summary>
    /// x (outer, mid, inner, cols) summed over outer and inner, (mid, cols): how the fused residual, rotary and SwiGLU
    /// backwards turn their per-block partials into their parameters' gradients. The kernel (float32 on CUDA) sums in a
    /// fixed order in one launch; otherwise ATen's sum. Not differentiable (a gradient's last step).
    /// </summary>
    public static Tensor SumOfPartials(Tensor x, bool useKernel = true)
    {
        if (x.Dim != 4) throw new ArgumentException($"x must have 4 dimensions (outer, mid, inner, cols); it has {x.Dim}.", nameof(x));
        if (useKernel && KernelTakesSumOfPartials(x))
            return Tensor.Wrap(NativeMethods.dt_rows_sum_partials(x.Handle, out var result), result);
        return x.Sum([0, 2]);
    }

    /// <summary>Whether <see cref="SumOfPartials"/> (and the fused backwards' own sums) run the kernel for x.</summary>
    public static bool KernelTakesSumOfPartials(Tensor x) =>
        Usable(FusedKernel.PartialSums) && x.Device.IsCuda && x.Dtype == ScalarType.Float32 && x.Dim == 4;

    /// <summary>
    /// nGPT's normalised residual update (Loshchilov et al. 2024, eq. 10–11) along the last dimension:
    /// <code>
    /// Norm(Norm(h) + α ⊙ (Norm(u) − Norm(h))),   Norm(x) = x / ‖x‖ (no epsilon)
    /// </code>
    /// h, u (…, C): the hidden state and the block's suggestion; α (C) or (1). h is normalised again although it is a
    /// unit vector already, so that rounding does not accumulate over the layers. Differentiable in h, u and α. The
    /// result has the promoted dtype of h, u and α (float32 for nGPT's float32 α under bf16 autocast).
    /// </summary>
    /// <param name="alpha">The parameter as stored: α = multiplier · alpha, or |multiplier · alpha| when absolute.</param>
    /// <param name="useKernel">false: the ATen reference whatever the build (to compare, or to time without the kernel).</param>
    /// <param name="multiplier">
    /// k in α = k·alpha: nGPT stores its eigen learning rates rescaled (Adam sees well-sized updates). The kernel applies
    /// it where it reads α (k in float32) and its backward yields the gradient in the stored alpha, so the transform
    /// costs no kernels of its own, forward or backward.
    /// </param>
    /// <param name="absolute">α = |k·alpha| (nGPT uses the magnitude); the gradient through |·| is ATen's (sgn(0) = 0).</param>
    public static Tensor NormalizedResidual(Tensor h, Tensor u, Tensor alpha, bool useKernel = true, double multiplier = 1, bool absolute = false)
    {
        if (useKernel && KernelTakes(h, u, alpha))
            return Tensor.Wrap(NativeMethods.dt_fused_normalized_residual(h.Handle, u.Handle, alpha.Handle, multiplier, absolute ? 1 : 0, out var result), result);
        return NormalizedResidualReference(h, u, alpha, multiplier, absolute);
    }

    /// <summary>The ATen composition <see cref="NormalizedResidual"/> stands for.</summary>
    public static Tensor NormalizedResidualReference(Tensor h, Tensor u, Tensor alpha, double multiplier = 1, bool absolute = false)
    {
        using var scope = Torch.NewDisposeScope();
        var used = Scaled(alpha, multiplier);
        if (absolute) used = used.Abs();
        var a = Normalize(h);
        var b = Normalize(u);
        var moved = a + used * (b - a);
        return Normalize(moved).MoveToOuterScope();
    }

    /// <summary>Whether <see cref="NormalizedResidual"/> runs the fused kernel for these tensors.</summary>
    public static bool KernelTakes(Tensor h, Tensor u, Tensor alpha)
    {
        if (!Usable(FusedKernel.NormalizedResidual)) return false;
        var device = h.Device;
        if (!device.IsCuda || u.Device != device || alpha.Device != device) return false;
        if (!Takes(h.Dtype) || !Takes(u.Dtype) || !Takes(alpha.Dtype)) return false;
        var shape = h.Shape;
        if (shape.Length == 0 || shape[^1] == 0 || !shape.SequenceEqual(u.Shape)) return false;
        return alpha.Dim <= 1 && (alpha.NumEl == 1 || alpha.NumEl == shape[^1]);
    }

    /// <summary>
    /// nGPT's queries and keys (Loshchilov et al. 2024, eq. 15–16): rotary position embedding, normalisation, scale.
    /// <code>
    /// scale ⊙ Norm(RoPE(x)),   RoPE(x) = x ⊙ cos[t] + (−x₂, x₁) ⊙ sin[t]   (half-split layout: x₁, x₂ the halves of d)
    /// </code>
    /// x (B, H, T, d), d even, any strides (e.g. the transposed view of a projection); cos, sin (≥ T, d) the rotary
    /// tables; scale with H·d elements, e.g. (1, H, 1, d), used times <paramref name="multiplier"/> (nGPT's stored
    /// s_qk times its init/scaling; in the kernel, in float32 where the scale is read, and its backward gives the gradient
    /// in the stored scale: no kernels of the transform's own). Differentiable in x and scale (the tables are constants).
    /// The result is contiguous (B, H, T, d) in the promoted dtype of x and scale.
    /// </summary>
    public static Tensor RotaryNormalize(Tensor x, Tensor cos, Tensor sin, Tensor scale, bool useKernel = true, double multiplier = 1)
    {
        if (useKernel && KernelTakesRotary(x, cos, sin, scale))
            return Tensor.Wrap(NativeMethods.dt_fused_rotary_normalize(x.Handle, cos.Handle, sin.Handle, scale.Handle, multiplier, out var result), result);
        return RotaryNormalizeReference(x, cos, sin, scale, multiplier);
    }

    /// <summary>The ATen composition <see cref="RotaryNormalize"/> stands for (the tables cast to x's dtype, as the model's).</summary>
    public static Tensor RotaryNormalizeReference(Tensor x, Tensor cos, Tensor sin, Tensor scale, double multiplier = 1)
    {
        using var scope = Torch.NewDisposeScope();
        var t = x.Size(2);
        var halves = x.Chunk(2, dim: -1);                                          // 2 × (B, H, T, d/2)
        var rotated = Torch.Cat([halves[1].Neg(), halves[0]], dim: -1);           // (−x₂, x₁)
        var c = cos.Narrow(0, 0, t).To(x.Dtype);                                   // (T, d)
        var s = sin.Narrow(0, 0, t).To(x.Dtype);
        return (Scaled(scale, multiplier) * Normalize(x * c + rotated * s)).MoveToOuterScope();
    }

    /// <summary>Whether <see cref="RotaryNormalize"/> runs the fused kernel for these tensors.</summary>
    public static bool KernelTakesRotary(Tensor x, Tensor cos, Tensor sin, Tensor scale)
    {
        if (!Usable(FusedKernel.RotaryNormalize)) return false;
        var device = x.Device;
        if (!device.IsCuda || cos.Device != device || sin.Device != device || scale.Device != device) return false;
        if (!Takes(x.Dtype) || !Takes(scale.Dtype)) return false;
        var shape = x.Shape;
        if (shape.Length != 4 || shape[3] < 2 || shape[3] % 2 != 0) return false;
        var table = cos.Shape;
        return table.Length == 2 && table[0] >= shape[2] && table[1] == shape[3] && table.SequenceEqual(sin.Shape) &&
               scale.NumEl == shape[1] * shape[3];
    }

    /// <summary>
    /// nGPT's MLP gate, SwiGLU on scaled halves (Loshchilov et al. 2024, eq. 20–21):
    /// <code>
    /// (s_u ⊙ u) ⊙ SiLU(s_v ⊙ v),   [u | v] = uv (…, 2F),  [s_u | s_v] = k · scale (2F),  k = multiplier
    /// </code>
    /// The result (…, F) has the promoted dtype of uv and scale; differentiable in both. With the kernel, one pass
    /// forward and one backward (∂s summed over chunks of rows in the kernel) instead of five ops and their gradients;
    /// the multiplier (nGPT's √C on the stored s_uv) is applied in float32 where the scale is read, and the backward
    /// gives the gradient in the stored scale, so it costs no kernels of its own.
    /// </summary>
    public static Tensor ScaledSwiGlu(Tensor uv, Tensor scale, bool useKernel = true, double multiplier = 1)
    {
        if (useKernel && KernelTakesSwiGlu(uv, scale))
            return Tensor.Wrap(NativeMethods.dt_fused_scaled_swiglu(uv.Handle, scale.Handle, multiplier, out var result), result);
        return ScaledSwiGluReference(uv, scale, multiplier);
    }

    /// <summary>The ATen composition <see cref="ScaledSwiGlu"/> stands for.</summary>
    public static Tensor ScaledSwiGluReference(Tensor uv, Tensor scale, double multiplier = 1)
    {
        using var scope = Torch.NewDisposeScope();
        var parts = (uv * Scaled(scale, multiplier)).Chunk(2, dim: -1);             // u, v: (…, F)
        return (parts[0] * parts[1].Silu()).MoveToOuterScope();
    }

    /// <summary>Whether <see cref="ScaledSwiGlu"/> runs the fused kernel for these tensors.</summary>
    public static bool KernelTakesSwiGlu(Tensor uv, Tensor scale)
    {
        if (!Usable(FusedKernel.ScaledSwiGlu) || !uv.Device.IsCuda || scale.Device != uv.Device) return false;
        if (!Takes(uv.Dtype) || !Takes(scale.Dtype) || uv.Dim < 1) return false;
        var width = uv.Shape[^1];
        return width >= 2 && width % 2 == 0 && scale.NumEl == width;
    }

    /// <summary>
    /// Puts every weight back on the unit sphere in place: each vector along its Dim (1 or −1: each row, 0: each column)
    /// divided by its norm, without gradients. With the kernel, every CUDA matrix in one launch (per dtype) instead of
    /// two ops per matrix; what the kernel cannot take (CPU, float64, non-contiguous) goes through the reference.
    /// </summary>
    public static void ProjectToSphere(IReadOnlyList<(Tensor Weight, int Dim)> weights, bool useKernel = true)
    {
        CheckUnitMatrices(weights);
        if (useKernel && Usable(FusedKernel.Projection) && weights.Any(m => m.Weight.Device.IsCuda))
        {
            UnitMatricesKernel(weights, deviation: false, normalise: true);
            return;
        }
        ProjectToSphereReference(weights);
    }

    /// <summary>The ATen composition <see cref="ProjectToSphere"/> stands for: w /= ‖w‖ along dim, matrix by matrix.</summary>
    public static void ProjectToSphereReference(IReadOnlyList<(Tensor Weight, int Dim)> weights)
    {
        using var noGrad = Torch.NoGrad();
        foreach (var (w, dim) in weights)
        {
            using var norm = w.Norm(dim, keepDim: true);
            w.Div_(norm);
        }
    }

    /// <summary>
    /// Σ |‖v‖ − 1| over every vector of the weights along its Dim (what a projection would move), a float32 scalar on the
    /// first weight's device, without gradients or host synchronisation. With the kernel, one launch reads each matrix
    /// once (the norms a projection computes) instead of four ops per matrix.
    /// </summary>
    public static Tensor UnitDeviationSum(IReadOnlyList<(Tensor Weight, int Dim)> weights, bool useKernel = true)
    {
        if (weights.Count == 0) throw new ArgumentException("no weights", nameof(weights));
        CheckUnitMatrices(weights);
        if (useKernel && Usable(FusedKernel.UnitDeviation) && weights[0].Weight.Device.IsCuda)
            return UnitMatricesKernel(weights, deviation: true, normalise: false)!;
        return UnitDeviationSumReference(weights);
    }

    /// <summary>
    /// <see cref="UnitDeviationSum"/> and then <see cref="ProjectToSphere"/>, as one pass over the weights where the
    /// kernel runs: each vector's norm is measured once, added to the deviation and divided out (a projection that
    /// reports what it moved; the separate measuring launch read every matrix again, ~210 MB a step for nGPT).
    /// </summary>
    public static Tensor ProjectToSphereMeasuringDeviation(IReadOnlyList<(Tensor Weight, int Dim)> weights, bool useKernel = true)
    {
        if (weights.Count == 0) throw new ArgumentException("no weights", nameof(weights));
        CheckUnitMatrices(weights);
        if (useKernel && Usable(FusedKernel.UnitDeviation) && Usable(FusedKernel.Projection) && weights[0].Weight.Device.IsCuda)
            return UnitMatricesKernel(weights, deviation: true, normalise: true)!;
        var deviation = UnitDeviationSumReference(weights);
        ProjectToSphereReference(weights);
        return deviation;
    }

    /// <summary>The ATen composition <see cref="UnitDeviationSum"/> stands for.</summary>
    public static Tensor UnitDeviationSumReference(IReadOnlyList<(Tensor Weight, int Dim)> weights)
    {
        using var noGrad = Torch.NoGrad();
        using var scope = Torch.NewDisposeScope();
        var parts = weights.Select(m => (m.Weight.Norm(m.Dim) - 1.0).Abs().Sum()).ToArray();
        return Torch.Stack(parts).Sum().To(ScalarType.Float32).MoveToOuterScope();
    }

    /// <summary>
    /// Mean cross entropy of the logits hidden · weightᵀ against targets (rows whose target is <paramref name="ignoreIndex"/>
    /// left out), a language model's head and loss in one: hidden (N, C), weight (V, C), targets (N) integers.
    /// <code>
    /// loss = mean_r [ logsumexp(h_r Wᵀ) − (h_r Wᵀ)[t_r] ]
    /// </code>
    /// With the kernel (CUDA, compiled in): the head GEMM writes the logits in the caller's autocast type (else the
    /// inputs' own) into rows padded to a multiple of 8 columns, so the GEMMs run aligned kernels for any vocabulary; one
    /// kernel turns each row into its loss and, in place, its gradient (softmax − onehot, softmax in float32); the
    /// backward is the two GEMMs of a linear layer over those. The logits are never in float32 under bf16 autocast
    /// (2,048 × 50,257 of them are ~400 MB in float32), and there is no separate log-softmax pass. Reference:
    /// <c>cross_entropy(linear(hidden, weight), targets)</c>, which computes the same under the same autocast.
    /// </summary>
    public static Tensor LinearCrossEntropy(Tensor hidden, Tensor weight, Tensor targets, long ignoreIndex = -100, bool useKernel = true)
    {
        if (useKernel && KernelComputeType(hidden, weight, targets) is { } compute)
            return Tensor.Wrap(NativeMethods.dt_fused_linear_cross_entropy(hidden.Handle, weight.Handle, targets.Handle, (int)compute, ignoreIndex, out var result), result);
        return LinearCrossEntropyReference(hidden, weight, targets, ignoreIndex);
    }

    /// <summary>The ATen composition <see cref="LinearCrossEntropy"/> stands for.</summary>
    public static Tensor LinearCrossEntropyReference(Tensor hidden, Tensor weight, Tensor targets, long ignoreIndex = -100)
    {
        using var logits = Functional.Linear(hidden, weight);                         // (N, V)
        return Functional.CrossEntropy(logits, targets, ignoreIndex: ignoreIndex);
    }

    /// <summary>Whether <see cref="LinearCrossEntropy"/> runs the kernel for these tensors.</summary>
    public static bool KernelTakesLinearCrossEntropy(Tensor hidden, Tensor weight, Tensor targets) =>
        KernelComputeType(hidden, weight, targets) is not null;

    /// <summary>The GEMMs' type the kernel path would use (CUDA autocast's, else the inputs' common one), or null where it does not run.</summary>
    private static ScalarType? KernelComputeType(Tensor hidden, Tensor weight, Tensor targets)
    {
        if (!Usable(FusedKernel.LinearCrossEntropy)) return null;
        var device = hidden.Device;
        if (!device.IsCuda || weight.Device != device || targets.Device != device) return null;
        if (hidden.Dim != 2 || weight.Dim != 2 || hidden.Size(1) != weight.Size(1) || hidden.Size(0) == 0 || weight.Size(0) == 0) return null;
        if (targets.NumEl != hidden.Size(0) || targets.Dtype is not (ScalarType.Int64 or ScalarType.Int32)) return null;
        NativeMethods.Check(NativeMethods.dt_autocast_get((int)DeviceType.Cuda, out var autocast, out var autocastType));
        var compute = autocast != 0 && Takes(hidden.Dtype) && Takes(weight.Dtype)
            ? (ScalarType)autocastType
            : hidden.Dtype == weight.Dtype ? hidden.Dtype : (ScalarType?)null;
        return compute is { } c && Takes(c) ? c : null;
    }

    /// <summary>The projection kernel over the weights: normalising them in place, or (deviation) summing |‖v‖ − 1|.</summary>
    private static unsafe Tensor? UnitMatricesKernel(IReadOnlyList<(Tensor Weight, int Dim)> weights, bool deviation, bool normalise)
    {
        var handles = new IntPtr[weights.Count];
        var dims = new int[weights.Count];
        for (var i = 0; i < weights.Count; i++)
        {
            handles[i] = weights[i].Weight.Handle;
            dims[i] = weights[i].Dim;
        }
        Tensor? result = null;
        fixed (IntPtr* h = handles)
        fixed (int* d = dims)
        {
            if (deviation) result = Tensor.Wrap(NativeMethods.dt_fused_unit_deviation_sum(h, d, weights.Count, normalise ? 1 : 0, out var sum), sum);
            else NativeMethods.Check(NativeMethods.dt_fused_project_unit(h, d, weights.Count));
        }
        GC.KeepAlive(weights);
        return result;
    }

    private static void CheckUnitMatrices(IReadOnlyList<(Tensor Weight, int Dim)> weights)
    {
        foreach (var (w, dim) in weights)
        {
            if (w.Dim != 2) throw new ArgumentException($"every weight must be a matrix; got {w}", nameof(weights));
            if (dim is < -2 or > 1) throw new ArgumentOutOfRangeException(nameof(weights), dim, "dim must be 0, 1 or -1.");
        }
    }

    private static bool Takes(ScalarType dtype) => dtype is ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16;

    /// <summary>k · p as the references use it: the parameter itself when k is 1 (no op, as before multipliers existed).</summary>
    private static Tensor Scaled(Tensor parameter, double multiplier) =>
        multiplier == 1 ? parameter : parameter * multiplier;

    private static Tensor Normalize(Tensor x)
    {
        using var norm = x.Norm(-1, keepDim: true);
        return x / norm;
    }
}

/// <summary>
/// The kernels of <see cref="Fused"/>, one per operation (the projection and the deviation are two modes of one), and of
/// <see cref="PointCloud"/>, <see cref="EdgeSums"/>, <see cref="CausalAttention"/> and <see cref="TableRows"/>.
/// </summary>
public enum FusedKernel
{
    NormalizedResidual,
    RotaryNormalize,
    ScaledSwiGlu,
    Projection,
    UnitDeviation,
    LinearCrossEntropy,
    RadiusSums,
    RadiusCounts,
    InverseDistanceSums,
    CausalAttention,
    ScaledRows,
    EmbeddingGradient,
    PartialSums,
    AdamWProjection,
}
