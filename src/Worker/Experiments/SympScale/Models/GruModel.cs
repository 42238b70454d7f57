using Dashboard.Torch;
using Dashboard.Torch.NN;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Experiments.SympScale.Models;

/// <summary>
/// The capacity-matched free-form baseline (seed 003's GRU, reconstructed): enc = Linear(D+a → g) on [ŝ_t; a_t],
/// an equinox-style GRUCell(g, g) (one input bias plus a separate b_n inside the reset gate), head = Linear(g → D),
/// residual prediction ŝ_{t+1} = ŝ_t + head(h_{t+1}), h₀ = 0.
/// </summary>
public sealed class GruModel : WorldModel
{
    private readonly Linear _encoder, _head;
    private readonly Tensor _wIh, _wHh, _b, _bN;
    private readonly long _actionDim, _g;

    public GruModel(int dim, int actionDim, int width)
    {
        _actionDim = actionDim;
        _g = width;
        _encoder = RegisterModule("enc", new Linear(dim + actionDim, width));
        var bound = 1.0 / Math.Sqrt(width);
        _wIh = RegisterParameter("cell.weight_ih", Init.Uniform([3 * width, width], bound));
        _wHh = RegisterParameter("cell.weight_hh", Init.Uniform([3 * width, width], bound));
        _b = RegisterParameter("cell.bias", Init.Uniform([3 * width], bound));
        _bN = RegisterParameter("cell.bias_n", Init.Uniform([width], bound));
        _head = RegisterModule("head", new Linear(width, dim));
    }

    /// <summary>r = σ(i_r + h_r), z = σ(i_z + h_z), n = tanh(i_n + r ⊙ (h_n + b_n)), h' = n + z ⊙ (h − n).</summary>
    public Tensor Cell(Tensor x, Tensor h)
    {
        var gi = F.Linear(x, _wIh, _b).Chunk(3, 1);
        var gh = F.Linear(h, _wHh).Chunk(3, 1);
        var r = (gi[0] + gh[0]).Sigmoid();
        var z = (gi[1] + gh[1]).Sigmoid();
        var n = (gi[2] + r * (gh[2] + _bN)).Tanh();
        return n + z * (h - n);
    }

    public override Tensor Rollout(Tensor z0, int steps, StateProjection? projection, IReadOnlyList<Tensor>? singularVectors)
    {
        var batch = z0.Size(0);
        var actions = Dashboard.Torch.Torch.Zeros([batch, _actionDim], z0.Dtype, z0.Device);
        var h = Dashboard.Torch.Torch.Zeros([batch, _g], z0.Dtype, z0.Device);
        var s = z0;
        var states = new Tensor[steps];
        for (var t = 0; t < steps; t++)
        {
            h = Cell(_encoder.Forward(Dashboard.Torch.Torch.Cat([s, actions], 1)), h);
            s = s + _head.Forward(h);
            if (projection is not null) s = projection.Apply(s);
            states[t] = s;
        }
        return Dashboard.Torch.Torch.Stack(states, 1);
    }
}
