using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.Hhml;

/// <summary>
/// Controlled annihilation (<c>controlled_annihilation</c>), vectorised. Nothing happens when antivortex_strength s &lt; 0.2.
/// Otherwise vortices are detected at |ψ| &lt; sparsity_threshold and scored (<see cref="VortexQuality"/>, same threshold);
/// candidates have q &lt; pruning_threshold; k = min(#candidates, ⌊#vortices·(1 − preserve_ratio)⌋) of the worst are removed:
/// every node within annihilation_radius of a removed vortex (its own included) gets ψ ← ψ(1 − s) + ψ·e^{iπ}·s = ψ(1 − 2s),
/// once per removed vortex that reaches it, so ψ ← ψ(1 − 2s)^count. (The seed's complex64 e^{iπ} also carried an
/// imaginary part of −8.7e−8; this uses −1.) A zero field stays zero whatever is removed.
/// </summary>
public static class Annihilation
{
    /// <summary>Applies the annihilation to the field; returns how many vortices were removed.</summary>
    public static long Apply(StripEnvironment env, ControlParameters cp, double qualityRadius)
    {
        var s = cp.AntivortexStrength;
        if (s < 0.2) return 0;
        using var scope = Torch.Torch.NewDisposeScope();
        using var scores = VortexQuality.Score(env.Positions, env.Magnitude(), cp.SparsityThreshold, qualityRadius);
        if (scores.Count == 0) return 0;
        var isCandidate = scores.Quality.Lt(cp.PruningThreshold);
        var candidates = isCandidate.Sum().ToInt64();
        var removable = (long)Math.Truncate(scores.Count * (1.0 - cp.PreserveRatio));   // Python's int()
        var k = Math.Max(0, Math.Min(candidates, removable));
        if (k == 0) return 0;
        var (_, worst) = scores.Quality.MaskedFill(isCandidate.LogicalNot(), double.PositiveInfinity).TopK(k, largest: false);
        var removed = scores.Vortices.IndexSelect(0, worst);
        var reached = PointCloud.CountsWithinRadius(env.Positions, env.Positions.IndexSelect(0, removed), cp.AnnihilationRadius);   // (N,) int64
        var factor = Torch.Torch.Full([env.Nodes], 1 - 2 * s, ScalarType.Float32, env.Device).Pow(reached);
        env.FieldRe.Mul_(factor);
        env.FieldIm.Mul_(factor);
        return k;
    }
}
