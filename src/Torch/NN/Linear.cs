namespace Dashboard.Torch.NN;

/// <summary>y = x Wᵀ + b; (*, in) → (*, out). Initialised like PyTorch: U(±1/√in).</summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    public Linear(long inFeatures, long outFeatures, bool bias = true)
    {
        var bound = 1.0 / Math.Sqrt(inFeatures);
        Weight = RegisterParameter("weight", Init.Uniform([outFeatures, inFeatures], bound));
        if (bias) Bias = RegisterParameter("bias", Init.Uniform([outFeatures], bound));
    }

    public Tensor Weight { get; }

    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);
}
