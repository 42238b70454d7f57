using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.ResidualStreams;

/// <summary>Sinkhorn-Knopp: alternately normalise rows and columns of a positive matrix towards doubly stochastic.</summary>
public static class Sinkhorn
{
    /// <summary>
    /// exp(logits) projected onto (close to) the doubly stochastic matrices, for one n×n matrix or a stack (…, n, n)
    /// of them, each on its own; differentiable. A model projects all its layers' matrices as one stack: each iteration
    /// is then four kernels for every layer together, not four per layer.
    /// </summary>
    public static Tensor Project(Tensor logits, int iterations)
    {
        // Subtracting each matrix's max keeps exp finite; it cancels in the normalisation.
        using var max = logits.Amax([-2, -1], keepDim: true);
        using var shifted = logits - max;
        var m = shifted.Exp();
        for (var i = 0; i < iterations; i++)
        {
            using var rows = m.Sum(-1, keepDim: true);
            var byRows = m / rows;
            m.Dispose();
            using var columns = byRows.Sum(-2, keepDim: true);
            m = byRows / columns;
            byRows.Dispose();
        }
        return m;
    }
}
