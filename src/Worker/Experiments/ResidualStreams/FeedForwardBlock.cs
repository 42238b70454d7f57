using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.ResidualStreams;

/// <summary>The layer function f: RMSNorm, then a GELU MLP of 4× width. Same in every variant.</summary>
public sealed class FeedForwardBlock : Module<Tensor, Tensor>
{
    private readonly RMSNorm _norm;
    private readonly Linear _up, _down;

    public FeedForwardBlock(int width)
    {
        _norm = RegisterModule("norm", new RMSNorm(width));
        _up = RegisterModule("up", new Linear(width, 4 * width));
        _down = RegisterModule("down", new Linear(4 * width, width));
    }

    public override Tensor Forward(Tensor x)        // (B, T, C)
    {
        using var normed = _norm.Forward(x);
        using var hidden = _up.Forward(normed);    // (B, T, 4C)
        using var activated = hidden.Gelu();
        return _down.Forward(activated);           // (B, T, C)
    }
}
