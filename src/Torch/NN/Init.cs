namespace Dashboard.Torch.NN;

/// <summary>Parameter initialisers (PyTorch's defaults), drawing from the global generator.</summary>
public static class Init
{
    public static Tensor Uniform(long[] shape, double bound) =>
        Torch.Empty(shape).Uniform_(-bound, bound);

    public static Tensor Normal(long[] shape, double std = 1.0, double mean = 0.0) =>
        Torch.Empty(shape).Normal_(mean, std);
}
