using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.ResidualStreams;

/// <summary>
/// One HC / mHC layer as the seed's code ran it (spec 002, model_hc.py / model_mhc.py), over S streams X (B, T, S, C):
/// <code>
/// merged = mean_s (H_pre X)_s                  (B, T, C)    H_pre row-softmax
/// f      = block(merged)                       (B, T, C)    includes merged itself
/// X      = H_res X + H_postᵀ [f, …, f]         (B, T, S, C) H_post row-softmax; H_res exp (HC) or Sinkhorn (mHC)
/// </code>
/// </summary>
public sealed class SeedHyperConnection : Module<Tensor, Tensor>
{
    private readonly SeedBlock _block;
    private readonly StreamMixer _pre, _post, _residual;
    private readonly int _streams;

    public SeedHyperConnection(ResidualStreamsConfig config)
    {
        _streams = config.Streams;
        _block = RegisterModule("block", new SeedBlock(config.Width, config.Heads, config.FeedForward));
        _pre = RegisterModule("h_pre", new StreamMixer(config.Streams, StreamMixer.Kind.RowSoftmax));
        _post = RegisterModule("h_post", new StreamMixer(config.Streams, StreamMixer.Kind.RowSoftmax));
        _residual = RegisterModule("h_res", new StreamMixer(config.Streams,
            config.Variant == "mhc" ? StreamMixer.Kind.Sinkhorn : StreamMixer.Kind.Exp, config.SinkhornIterations));
    }

    /// <summary>H_pre, H_post and H_res: the model computes each kind for all its layers at once (<see cref="StreamMixer.Matrices"/>).</summary>
    public StreamMixer Pre => _pre;
    public StreamMixer Post => _post;
    public StreamMixer Residual => _residual;

    /// <summary>The residual mixer H_res as used in the forward pass (a new tensor).</summary>
    public Tensor ResidualMixing() => _residual.Matrix();

    public override Tensor Forward(Tensor x)                                // (B, T, S, C)
    {
        using var pre = _pre.Matrix();
        using var post = _post.Matrix();
        using var residual = _residual.Matrix();
        return Forward(x, new Mixers(pre, post, residual));
    }

    /// <summary>The layer with its mixers' matrices computed by the caller (S × S each).</summary>
    public Tensor Forward(Tensor x, Mixers h)                               // (B, T, S, C)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var merged = h.Pre.MatMul(x).Mean(2);                               // (B, T, C)
        var f = _block.Forward(merged);                                     // (B, T, C)
        var spread = f.Unsqueeze(2).Expand(f.Size(0), f.Size(1), _streams, f.Size(2));   // (B, T, S, C)
        var written = h.Post.Transpose(0, 1).MatMul(spread);                // H_postᵀ: (S, S) @ (B, T, S, C)
        var output = h.Residual.MatMul(x) + written;                        // (B, T, S, C)
        return output.MoveToOuterScope();
    }

    /// <summary>One layer's H_pre, H_post and H_res as its forward pass uses them (S × S each).</summary>
    public readonly record struct Mixers(Tensor Pre, Tensor Post, Tensor Residual);
}
