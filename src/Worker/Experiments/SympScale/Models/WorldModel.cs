using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.SympScale.Models;

/// <summary>
/// A learned one-step world model on z-scored phase states. A rollout feeds its own predictions back in
/// (open loop) and applies the projection, if any, after every step.
/// </summary>
public abstract class WorldModel : Module
{
    /// <summary>
    /// What a rollout needs that must be computed eagerly, outside a captured step: the top singular pair of each
    /// spectrally normalised weight (symp and rk4, from a full SVD of the present weights; see
    /// <see cref="SoftplusMlp.TopSingularValue"/>). Empty for the models without a spectral norm.
    /// </summary>
    public virtual Tensor[] TopSingularVectors() => [];

    /// <summary>
    /// The <paramref name="steps"/> predicted states after <paramref name="z0"/>: (B, D) → (B, steps, D), with
    /// <paramref name="singularVectors"/> from <see cref="TopSingularVectors"/> of the present parameters (a training
    /// step gets them as its inputs; null: σ_max directly, the tests' reference).
    /// </summary>
    public abstract Tensor Rollout(Tensor z0, int steps, StateProjection? projection, IReadOnlyList<Tensor>? singularVectors);

    /// <summary>A rollout with the singular vectors of the present parameters, computed here (eager: evaluation, inference).</summary>
    public Tensor Rollout(Tensor z0, int steps, StateProjection? projection) => Rollout(z0, steps, projection, TopSingularVectors());

    /// <summary>The learned energy H_θ of each state (B, D) → (B); null for models without one.</summary>
    public virtual Tensor? LearnedEnergy(Tensor z) => null;
}

/// <summary>Maps a predicted state onto a constraint set (a no-op returns its input).</summary>
public abstract class StateProjection
{
    public abstract Tensor Apply(Tensor z);
}
