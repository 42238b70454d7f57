using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.SympScale.Models;

/// <summary>
/// The learned Hamiltonian integrated one step of size h (SympRSSM's symp_rssm.py and rk4_rssm.py):
/// Yoshida-4 (symplectic, 3 force evaluations), leapfrog (the warm-up, 2) or classical RK4 on
/// ż = (∂H/∂p, −∂H/∂q) (the rk4 ablation, 4). z = (q, p), positions first.
/// </summary>
public sealed class SympModel : WorldModel
{
    private readonly HamiltonianNet _h;
    private readonly long _q;

    public SympModel(int dim, int actionDim, int width, double stepSize, bool spectralNorm, bool rk4)
    {
        _q = dim / 2;
        _h = RegisterModule("h", new HamiltonianNet(_q, actionDim, width));
        StepSize = stepSize;
        SpectralNorm = spectralNorm;
        Rk4 = rk4;
    }

    public double StepSize { get; }
    public bool SpectralNorm { get; }
    public bool Rk4 { get; }

    /// <summary>Integrate with leapfrog instead of Yoshida-4 (the write-up's warm-up; set by the trainer).</summary>
    public bool Leapfrog { get; set; }

    public override Tensor[] TopSingularVectors() => SpectralNorm ? _h.TopSingularVectors() : [];

    public override Tensor Rollout(Tensor z0, int steps, StateProjection? projection, IReadOnlyList<Tensor>? singularVectors)
    {
        var field = Field(singularVectors);
        var states = new Tensor[steps];
        var z = z0;
        for (var t = 0; t < steps; t++)
        {
            var q = z.Narrow(1, 0, _q);
            var p = z.Narrow(1, _q, _q);
            (q, p) = Rk4 ? RungeKutta4.Step(field, q, p, StepSize)
                : Leapfrog ? Models.Leapfrog.Step(field, q, p, StepSize)
                : Yoshida4.Step(field, q, p, StepSize);
            z = Dashboard.Torch.Torch.Cat([q, p], 1);
            if (projection is not null) z = projection.Apply(z);
            states[t] = z;
        }
        return Dashboard.Torch.Torch.Stack(states, 1);   // (B, steps, D)
    }

    public override Tensor LearnedEnergy(Tensor z) => Field().Energy(z.Narrow(1, 0, _q), z.Narrow(1, _q, _q));

    /// <summary>The prepared Hamiltonian with the singular vectors of the present weights.</summary>
    public HamiltonianNet.Field Field() => Field(TopSingularVectors());

    /// <summary>The prepared Hamiltonian with the given singular vectors (null: σ_max directly).</summary>
    public HamiltonianNet.Field Field(IReadOnlyList<Tensor>? singularVectors) => _h.Prepare(SpectralNorm, singularVectors);
}
