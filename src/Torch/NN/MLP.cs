namespace Dashboard.Torch.NN;

/// <summary>The transformer feed-forward: C → 4C, GELU, 4C → C, dropout (nanoGPT's MLP).</summary>
public sealed class MLP : Module<Tensor, Tensor>
{
    private readonly double _dropout;

    public MLP(long embedding, double dropout = 0.0, bool bias = true, long? hidden = null)
    {
        _dropout = dropout;
        Up = RegisterModule("c_fc", new Linear(embedding, hidden ?? 4 * embedding, bias));
        Down = RegisterModule("c_proj", new Linear(hidden ?? 4 * embedding, embedding, bias));
    }

    public Linear Up { get; }

    public Linear Down { get; }

    public override Tensor Forward(Tensor x)
    {
        using var h = Up.Forward(x);          // (B, T, 4C)
        using var a = h.Gelu();
        using var y = Down.Forward(a);        // (B, T, C)
        return Functional.Dropout(y, _dropout, IsTraining);
    }
}
