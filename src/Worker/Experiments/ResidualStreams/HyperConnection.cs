using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.ResidualStreams;

/// <summary>
/// One layer over n residual streams X (B, T, n, C): the layer reads a weighted sum of the streams, and
/// writes back X ← H·X + post ⊗ f(pre·X). HC learns the n×n mixing H freely (initialised at the identity
/// plus noise); mHC learns logits W and mixes with H = Sinkhorn(exp W), doubly stochastic, so the composed
/// mixing of any depth stays doubly stochastic and cannot amplify.
/// </summary>
public sealed class HyperConnection : Module<Tensor, Tensor>
{
    private readonly FeedForwardBlock _block;
    private readonly Tensor _pre, _post, _mixing;
    private readonly bool _constrained;
    private readonly int _sinkhornIterations;

    public HyperConnection(int width, int streams, bool constrained, int sinkhornIterations, double initNoise)
    {
        _constrained = constrained;
        _sinkhornIterations = sinkhornIterations;
        _block = RegisterModule("block", new FeedForwardBlock(width));
        _pre = RegisterParameter("pre", Dashboard.Torch.Torch.Full([streams], 1.0 / streams));
        _post = RegisterParameter("post", Dashboard.Torch.Torch.Ones([streams]));
        Tensor mixing;
        if (constrained)
        {
            mixing = Dashboard.Torch.Torch.Zeros([streams, streams]);    // logits: Sinkhorn(exp 0) is uniform 1/n
        }
        else
        {
            using var eye = Dashboard.Torch.Torch.Eye(streams);
            using var noise = Dashboard.Torch.Torch.Randn([streams, streams]);
            using var scaled = noise * initNoise;
            mixing = eye + scaled;
        }
        _mixing = RegisterParameter("mixing", mixing);
    }

    /// <summary>The n×n residual mixing this layer applies (a new tensor).</summary>
    public Tensor Mixing() => _constrained ? Sinkhorn.Project(_mixing, _sinkhornIterations) : _mixing.View(_mixing.Shape); // a new handle on the parameter, so callers may dispose what they get

    /// <summary>
    /// The mixings of several layers (all HC or all mHC) as one (L, n, n) stack, the same values as each one's
    /// <see cref="Mixing"/>: the Sinkhorn iterations run once for all of them.
    /// </summary>
    public static Tensor Mixings(IReadOnlyList<HyperConnection> layers)
    {
        ArgumentOutOfRangeException.ThrowIfZero(layers.Count);
        var first = layers[0];
        if (layers.Any(l => l._constrained != first._constrained || l._sinkhornIterations != first._sinkhornIterations))
            throw new ArgumentException("the layers of one stack must all be HC or all mHC", nameof(layers));
        var logits = Dashboard.Torch.Torch.Stack(layers.Select(l => l._mixing).ToArray());   // (L, n, n)
        if (!first._constrained) return logits;
        using (logits) return Sinkhorn.Project(logits, first._sinkhornIterations);
    }

    public override Tensor Forward(Tensor streams)                       // (B, T, n, C)
    {
        using var h = Mixing();
        return Forward(streams, h);
    }

    /// <summary>The layer with its mixing <paramref name="h"/> (n × n) computed by the caller.</summary>
    public Tensor Forward(Tensor streams, Tensor h)                      // (B, T, n, C)
    {
        var n = _pre.Size(0);
        using var pre = _pre.View(1, 1, n, 1);
        using var weighted = streams * pre;
        using var input = weighted.Sum(2);                               // (B, T, C)
        using var output = _block.Forward(input);                        // (B, T, C)
        using var mixed = h.MatMul(streams);                             // (n, n) @ (B, T, n, C) -> (B, T, n, C)
        using var post = _post.View(1, 1, n, 1);
        using var spread = output.Unsqueeze(2);                          // (B, T, 1, C)
        using var written = spread * post;                               // (B, T, n, C)
        return mixed + written;
    }
}
