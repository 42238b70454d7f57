namespace Dashboard.Torch.Optim;

/// <summary>
/// Linear warm-up to each group's initial rate, then cosine decay to minRatio × that rate at
/// totalSteps (nanoGPT's get_lr). Call <see cref="Apply"/> with the step about to run.
/// </summary>
public sealed class WarmupCosineSchedule(Optimizer optimizer, long warmupSteps, long totalSteps, double minRatio = 0.1)
{
    /// <summary>The multiplier of the initial rate at <paramref name="step"/> (0-based).</summary>
    public double Factor(long step)
    {
        if (step < warmupSteps) return (double)(step + 1) / warmupSteps;
        if (step >= totalSteps) return minRatio;
        var progress = (double)(step - warmupSteps) / Math.Max(1, totalSteps - warmupSteps);
        return minRatio + (1 - minRatio) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>Sets every group's learning rate for <paramref name="step"/>; returns the factor.</summary>
    public double Apply(long step)
    {
        var f = Factor(step);
        foreach (var g in optimizer.Groups) g.LearningRate = g.InitialLearningRate * f;
        return f;
    }
}
