namespace Dashboard.Torch.NN;

/// <summary>A lookup table of vectors: indices (*) → (*, dim). Initialised N(0, 1) like PyTorch.</summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    public Embedding(long count, long dim, double std = 1.0)
    {
        Weight = RegisterParameter("weight", Init.Normal([count, dim], std));
    }

    public Tensor Weight { get; }

    public override Tensor Forward(Tensor input) => Functional.Embedding(input, Weight);
}
