namespace Dashboard.Torch.NN;

/// <summary>
/// Multi-head self-attention where each position attends to itself and earlier ones
/// (nanoGPT's CausalSelfAttention): one projection to q, k, v, attention per head, output projection.
/// </summary>
public sealed class CausalSelfAttention : Module<Tensor, Tensor>
{
    private readonly long _embedding;
    private readonly long _heads;
    private readonly double _dropout;

    public CausalSelfAttention(long embedding, long heads, double dropout = 0.0, bool bias = true)
    {
        if (embedding % heads != 0) throw new ArgumentException("embedding must be a multiple of heads");
        _embedding = embedding;
        _heads = heads;
        _dropout = dropout;
        QkvProjection = RegisterModule("c_attn", new Linear(embedding, 3 * embedding, bias));
        OutputProjection = RegisterModule("c_proj", new Linear(embedding, embedding, bias));
    }

    public Linear QkvProjection { get; }

    public Linear OutputProjection { get; }

    public override Tensor Forward(Tensor x)
    {
        using var scope = Torch.NewDisposeScope();
        var shape = x.Shape;
        long b = shape[0], t = shape[1], c = shape[2], hs = c / _heads;
        var qkv = QkvProjection.Forward(x).Split(_embedding, dim: 2);            // 3 × (B, T, C)
        var q = qkv[0].View(b, t, _heads, hs).Transpose(1, 2);                   // (B, nh, T, hs)
        var k = qkv[1].View(b, t, _heads, hs).Transpose(1, 2);
        var v = qkv[2].View(b, t, _heads, hs).Transpose(1, 2);
        var y = Functional.ScaledDotProductAttention(q, k, v, dropout: IsTraining ? _dropout : 0.0, isCausal: true);
        y = y.Transpose(1, 2).Contiguous().View(b, t, c);                        // (B, T, C)
        y = Functional.Dropout(OutputProjection.Forward(y), _dropout, IsTraining);
        return y.MoveToOuterScope();
    }
}
