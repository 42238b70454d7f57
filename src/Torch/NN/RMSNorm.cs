namespace Dashboard.Torch.NN;

/// <summary>x / √(mean(x²) + eps) · weight over the last dimension (no centring, no shift).</summary>
public sealed class RMSNorm : Module<Tensor, Tensor>
{
    private readonly long[] _shape;

    /// <param name="eps">null: the dtype's machine epsilon, as PyTorch's nn.RMSNorm.</param>
    public RMSNorm(long dim, double? eps = null, bool elementwiseAffine = true)
    {
        _shape = [dim];
        Eps = eps;
        if (elementwiseAffine) Weight = RegisterParameter("weight", Torch.Ones(_shape));
    }

    public double? Eps { get; }

    public Tensor? Weight { get; }

    public override Tensor Forward(Tensor input) => Functional.RmsNorm(input, _shape, Weight, Eps);
}
