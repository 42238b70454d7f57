using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.ResidualStreams;

/// <summary>Sinkhorn-Knopp: alternately normalise rows and columns of a positive matrix towards doubly stochastic.</summary>
public static class Sinkhorn
{
    /// <summary>exp(logits) (n×n) projected onto (close to) the doubly stochastic matrices; differentiable.</summary>
    public static Tensor Project(Tensor logits, int iterations)
    {
        // Subtracting the max keeps exp finite; it cancels in the normalisation.
        using var max = logits.Max();
        using var shifted = logits - max;
        var m = shifted.Exp();
        for (var i = 0; i < iterations; i++)
        {
            using var rows = m.Sum(1, keepDim: true);
            var byRows = m / rows;
            m.Dispose();
            using var columns = byRows.Sum(0, keepDim: true);
            m = byRows / columns;
            byRows.Dispose();
        }
        return m;
    }
}
