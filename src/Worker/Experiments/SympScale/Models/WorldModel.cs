using Dashboard.Torch;
using Dashboard.Torch.NN;

namespace Dashboard.Worker.Experiments.SympScale.Models;

/// <summary>
/// A learned one-step world model on z-scored phase states. A rollout feeds its own predictions back in
/// (open loop) and applies the projection, if any, after every step.
/// </summary>
public abstract class WorldModel : Module
{
    /// <summary>The <paramref name="steps"/> predicted states after <paramref name="z0"/>: (B, D) → (B, steps, D).</summary>
    public abstract Tensor Rollout(Tensor z0, int steps, StateProjection? projection);

    /// <summary>The learned energy H_θ of each state (B, D) → (B); null for models without one.</summary>
    public virtual Tensor? LearnedEnergy(Tensor z) => null;
}

/// <summary>Maps a predicted state onto a constraint set (a no-op returns its input).</summary>
public abstract class StateProjection
{
    public abstract Tensor Apply(Tensor z);
}
