namespace Dashboard.Torch.NN;

/// <summary>Normalises the last dimension to zero mean and unit variance, then scales and shifts.</summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    private readonly long[] _shape;

    public LayerNorm(long dim, double eps = 1e-5, bool bias = true)
    {
        _shape = [dim];
        Eps = eps;
        Weight = RegisterParameter("weight", Torch.Ones(_shape));
        if (bias) Bias = RegisterParameter("bias", Torch.Zeros(_shape));
    }

    public double Eps { get; }

    public Tensor Weight { get; }

    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, _shape, Weight, Bias, Eps);
}
