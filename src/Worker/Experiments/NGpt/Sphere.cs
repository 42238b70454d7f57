using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.NGpt;

/// <summary>The hypersphere operations of nGPT.</summary>
public static class Sphere
{
    /// <summary>x / ‖x‖ along <paramref name="dim"/> (the paper's Norm; no epsilon, as in its reference code).</summary>
    public static Tensor Normalize(Tensor x, int dim = -1)
    {
        using var norm = x.Norm(dim, keepDim: true);
        return x / norm;
    }

    /// <summary>
    /// The normalized residual update h ← Norm(h + α(Norm(u) − h)) (eq. 10–11): a step of length set by the eigen
    /// learning rates α from h towards the block's suggestion u, back onto the sphere. h (B, T, C), u (B, T, C),
    /// α = |multiplier · storedAlpha|, storedAlpha (C) or (1) as the parameter is kept. h is unit already; it is
    /// normalised again so that rounding does not accumulate. One fused CUDA kernel where compiled in and
    /// <paramref name="fused"/> (<see cref="Fused.NormalizedResidual"/>, which also takes α's rescaling and magnitude
    /// in, so they add no kernels), the same composition of ATen ops otherwise.
    /// </summary>
    public static Tensor Update(Tensor h, Tensor suggestion, Tensor storedAlpha, double multiplier, bool fused = true) =>
        Fused.NormalizedResidual(h, suggestion, storedAlpha, useKernel: fused, multiplier: multiplier, absolute: true);
}
