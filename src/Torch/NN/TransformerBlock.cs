namespace Dashboard.Torch.NN;

/// <summary>A pre-norm transformer block: x + attn(ln₁(x)), then + mlp(ln₂(x)) (nanoGPT's Block).</summary>
public sealed class TransformerBlock : Module<Tensor, Tensor>
{
    public TransformerBlock(long embedding, long heads, double dropout = 0.0, bool bias = true)
    {
        Norm1 = RegisterModule("ln_1", new LayerNorm(embedding, bias: bias));
        Attention = RegisterModule("attn", new CausalSelfAttention(embedding, heads, dropout, bias));
        Norm2 = RegisterModule("ln_2", new LayerNorm(embedding, bias: bias));
        Mlp = RegisterModule("mlp", new MLP(embedding, dropout, bias));
    }

    public LayerNorm Norm1 { get; }

    public CausalSelfAttention Attention { get; }

    public LayerNorm Norm2 { get; }

    public MLP Mlp { get; }

    public override Tensor Forward(Tensor x)
    {
        using var scope = Torch.NewDisposeScope();
        x = x + Attention.Forward(Norm1.Forward(x));
        x = x + Mlp.Forward(Norm2.Forward(x));
        return x.MoveToOuterScope();
    }
}
