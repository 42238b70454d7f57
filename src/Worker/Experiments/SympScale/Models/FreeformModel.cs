using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.SympScale.Models;

/// <summary>
/// The free-form ODE ablation (SympRSSM's freeform_rssm.py): ż = MLP([z; a]) with width w and depth 3 (ReLU,
/// equinox's default), integrated with classical RK4.
/// </summary>
public sealed class FreeformModel : WorldModel
{
    private readonly Linear _in, _hidden1, _hidden2, _out;
    private readonly long _actionDim;

    public FreeformModel(int dim, int actionDim, int width, double stepSize)
    {
        _actionDim = actionDim;
        StepSize = stepSize;
        _in = RegisterModule("l0", new Linear(dim + actionDim, width));
        _hidden1 = RegisterModule("l1", new Linear(width, width));
        _hidden2 = RegisterModule("l2", new Linear(width, width));
        _out = RegisterModule("l3", new Linear(width, dim));
    }

    public double StepSize { get; }

    private Tensor Field(Tensor z, Tensor actions)
    {
        var h = _in.Forward(Dashboard.Torch.Torch.Cat([z, actions], 1)).Relu();
        h = _hidden1.Forward(h).Relu();
        h = _hidden2.Forward(h).Relu();
        return _out.Forward(h);
    }

    public override Tensor Rollout(Tensor z0, int steps, StateProjection? projection, IReadOnlyList<Tensor>? singularVectors)
    {
        var actions = Dashboard.Torch.Torch.Zeros([z0.Size(0), _actionDim], z0.Dtype, z0.Device);
        var h = StepSize;
        var z = z0;
        var states = new Tensor[steps];
        for (var t = 0; t < steps; t++)
        {
            var k1 = Field(z, actions);
            var k2 = Field(z + 0.5 * h * k1, actions);
            var k3 = Field(z + 0.5 * h * k2, actions);
            var k4 = Field(z + h * k3, actions);
            z = z + h / 6 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
            if (projection is not null) z = projection.Apply(z);
            states[t] = z;
        }
        return Dashboard.Torch.Torch.Stack(states, 1);
    }
}
