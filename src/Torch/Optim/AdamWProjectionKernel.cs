using Dashboard.Torch.Native;

namespace Dashboard.Torch.Optim;

/// <summary>
/// AdamW's step and nGPT's projection onto the unit sphere as one pass over float32 CUDA matrices (native/adamw_kernels.cu):
/// p, g, m and v read once, p, m and v written once, where libtorch's fused AdamW and then the projection read the
/// parameters three times and write them twice. <see cref="AdamW.StepProjecting"/> decides when it runs.
/// </summary>
internal static class AdamWProjectionKernel
{
    /// <summary>Whether the kernel can take this matrix with its gradient: float32, contiguous, on CUDA, alike.</summary>
    public static bool Takes(Tensor parameter, Tensor? grad) =>
        grad is not null && parameter.Dim == 2 && parameter.Device.IsCuda && parameter.Dtype == ScalarType.Float32 && parameter.IsContiguous
        && grad.Device == parameter.Device && grad.Dtype == ScalarType.Float32 && grad.IsContiguous && grad.Shape.SequenceEqual(parameter.Shape);

    /// <summary>
    /// One step of the matrices (the moments updated in place), each then divided by its vectors' norms along its Dim;
    /// returns Σ |‖v‖ − 1| before the division, a float32 scalar on the device. step: the group's count, already
    /// advanced; lr: the rate on the device, or null for <paramref name="lrValue"/>.
    /// </summary>
    public static unsafe Tensor Step(IReadOnlyList<(Tensor Param, Tensor Grad, Tensor ExpAvg, Tensor ExpAvgSq, int Dim)> matrices,
        Tensor step, Tensor? lr, double lrValue, double beta1, double beta2, double weightDecay, double eps)
    {
        var n = matrices.Count;
        var (ps, gs, ms, vs, dims) = (new IntPtr[n], new IntPtr[n], new IntPtr[n], new IntPtr[n], new int[n]);
        for (var i = 0; i < n; i++)
        {
            var (p, g, m, v, dim) = matrices[i];
            (ps[i], gs[i], ms[i], vs[i], dims[i]) = (p.Handle, g.Handle, m.Handle, v.Handle, dim);
        }
        Tensor result;
        fixed (IntPtr* pp = ps, pg = gs, pm = ms, pv = vs)
        fixed (int* pd = dims)
            result = Tensor.Wrap(NativeMethods.dt_adamw_unit_step(pp, pg, pm, pv, pd, n, step.Handle, lr?.Handle ?? IntPtr.Zero,
                lrValue, beta1, beta2, weightDecay, eps, out var sum), sum);
        GC.KeepAlive(matrices);
        GC.KeepAlive(step);
        GC.KeepAlive(lr);
        return result;
    }
}
