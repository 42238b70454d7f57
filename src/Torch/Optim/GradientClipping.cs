namespace Dashboard.Torch.Optim;

public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients so that their joint p-norm is at most <paramref name="maxNorm"/>
    /// (PyTorch's clip_grad_norm_, same ops). Returns the norm before clipping.
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2.0)
    {
        using var scope = Torch.NewDisposeScope();
        return ClipGradNormOnDevice(parameters, maxNorm, normType).ToDouble();
    }

    /// <summary>
    /// As <see cref="ClipGradNorm"/>, without reading the norm on the host: returns it as a 0-dimensional float tensor
    /// on the gradients' device (in the current dispose scope), the form a step captured in a CUDA graph needs.
    /// </summary>
    public static Tensor ClipGradNormOnDevice(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2.0)
    {
        using var noGrad = Torch.NoGrad();
        var grads = parameters.Select(p => p.Grad).OfType<Tensor>().ToArray();
        if (grads.Length == 0) return Tensor.Scalar(0.0);
        using var scope = Torch.NewDisposeScope();
        var norms = grads.Select(g => g.Norm(normType)).ToArray();
        var total = Torch.Stack(norms).Norm(normType);
        var coefficient = (maxNorm / (total + 1e-6)).Clamp(max: 1.0);
        foreach (var g in grads) g.Mul_(coefficient);
        return total.MoveToOuterScope();
    }

    /// <summary>Parameter elements across the given tensors.</summary>
    public static long Count(IEnumerable<Tensor> parameters) => parameters.Sum(p => p.NumEl);
}
