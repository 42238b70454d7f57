using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.Hhml;

/// <summary>
/// Per-vortex quality (<c>vortex_quality_score</c>), vectorised: a vortex is a node with |ψ| below the threshold; its
/// neighbourhood N(i) is every node with 0 &lt; ‖pⱼ − pᵢ‖ &lt; radius (Euclidean, not the graph). Then
/// nbhᵢ = mean over N(i) of [|ψⱼ| &lt; thr], coreᵢ = 1 − |ψᵢ|, stabᵢ = max(0, 1 − std over N(i) of |ψⱼ|) (unbiased; 0 when
/// N(i) has fewer than 2 nodes, where torch's std is NaN or the seed set 0), qᵢ = 0.4 nbhᵢ + 0.3 coreᵢ + 0.3 stabᵢ.
/// The seed looped over vortices in Python; here the neighbourhood sums Σ[vortex], Σ|ψ|, Σ|ψ|², Σ1 over all vortices come
/// from one radius query (<see cref="PointCloud.SumsWithinRadius"/>: a CUDA kernel on the GPU, float64 matrix products
/// over row blocks of the vortices × nodes distances elsewhere). An empty
/// neighbourhood gives nbh = 0 (the seed's mean of nothing was NaN in q and 0 in the reported components).
/// </summary>
public static class VortexQuality
{
    /// <summary>Indices of the vortices, and their nbh, core, stab and q (float64, one entry per vortex).</summary>
    public sealed record Scores(Tensor Vortices, Tensor Neighbourhood, Tensor Core, Tensor Stability, Tensor Quality) : IDisposable
    {
        public long Count => Vortices.NumEl;

        public void Dispose()
        {
            Vortices.Dispose();
            Neighbourhood.Dispose();
            Core.Dispose();
            Stability.Dispose();
            Quality.Dispose();
        }
    }

    public static Scores Score(Tensor positions, Tensor magnitude, double threshold, double radius)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        var n = magnitude.NumEl;
        var isVortex = magnitude.Lt(threshold);
        var vortices = Torch.Torch.Arange(n, device: magnitude.Device).MaskedSelect(isVortex);             // (M,)
        var magnitude64 = magnitude.To(ScalarType.Float64);
        // Columns: [vortex indicator, |ψ|, |ψ|², 1] over all nodes: (N, 4)
        var stats = Torch.Torch.Stack([isVortex.To(ScalarType.Float64), magnitude64, magnitude64.Square(), Torch.Torch.OnesLike(magnitude64)], dim: 1);
        var sums = PointCloud.SumsWithinRadius(positions, positions.IndexSelect(0, vortices), stats, radius, excludeSelf: true);   // (M, 4)
        var members = sums.Select(1, 3);
        var safe = members.ClampMin(1);
        var neighbourhood = sums.Select(1, 0) / safe;                                     // 0 where N(i) is empty
        var mean = sums.Select(1, 1) / safe;
        var variance = ((sums.Select(1, 2) - members * mean.Square()) / (members - 1).ClampMin(1)).ClampMin(0);
        var stability = Torch.Torch.Where(members.Ge(2), (1.0 - variance.Sqrt()).ClampMin(0), Torch.Torch.ZerosLike(variance));
        var core = 1.0 - magnitude64.IndexSelect(0, vortices);
        var quality = neighbourhood * 0.4 + core * 0.3 + stability * 0.3;
        return new Scores(vortices.MoveToOuterScope(), neighbourhood.MoveToOuterScope(), core.MoveToOuterScope(),
            stability.MoveToOuterScope(), quality.MoveToOuterScope());
    }

    /// <summary>
    /// The reward's inputs (<c>compute_detailed_quality_metrics</c>): density, the component means over a random sample
    /// of min(5000, #vortices) vortices, and the mean quality over all of them; all 0 with no vortices.
    /// </summary>
    public static VortexMetrics Measure(StripEnvironment env, double threshold, double radius)
    {
        using var scope = Torch.Torch.NewDisposeScope();
        using var scores = Score(env.Positions, env.Magnitude(), threshold, radius);
        var count = scores.Count;
        if (count == 0) return new VortexMetrics(0, 0, 0, 0, 0, 0);
        var sample = Torch.Torch.RandPerm(count, env.Device).Narrow(0, 0, Math.Min(5000, count));
        Tensor Mean(Tensor t) => t.IndexSelect(0, sample).Mean();
        // One read from the device for the four means, not four.
        var means = Torch.Torch.Stack([Mean(scores.Neighbourhood), Mean(scores.Core), Mean(scores.Stability), scores.Quality.Mean()]).ToArray<double>();
        return new VortexMetrics((double)count / env.Nodes, means[0], means[1], means[2], means[3], count);
    }
}
