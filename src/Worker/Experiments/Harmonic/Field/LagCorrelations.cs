using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.Harmonic.Field;

/// <summary>
/// The seed's wave statistic: for each lag ℓ = 1 … L − 1 (L = min(20, T / 10)), the Pearson correlation of the spatial
/// activity S = A Vᵀ (T, N) against itself ℓ steps later, both flattened. Computed per trial in float64 sums.
/// <para>
/// <see cref="FromModes"/> never forms S: V has orthonormal columns, so Σₙ S[t,n] S[t+ℓ,n] = A_t · A_{t+ℓ},
/// Σₙ S[t,n]² = |A_t|² and Σₙ S[t,n] = A_t · Vᵀ1 — O(T·M) per lag instead of O(T·N). <see cref="FromActivity"/>
/// forms S in chunks of time steps as the seed does (its check, and the path for anyone who doubts the identity).
/// </para>
/// </summary>
public static class LagCorrelations
{
    public static int Lags(int timesteps) => Math.Min(20, timesteps / 10);

    /// <summary>Correlations c₁ … c_{L−1} per trial, [B][L − 1]; NaN where the amplitudes overflowed.</summary>
    public static double[][] FromModes(Tensor amplitudes, LatticeModes modes, long nodes)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var a = amplitudes.To(ScalarType.Float64);                               // (B, T, M)
        long t = a.Size(1);
        var sums = a.MatMul(modes.ColumnSums);                                    // Σₙ S[t, n]: (B, T)
        var squares = a.Square().Sum(2);                                          // Σₙ S[t, n]²: (B, T)
        var lags = Lags((int)t);
        var columns = new List<Tensor>();
        for (var lag = 1; lag < lags; lag++)
        {
            // Each lag's (B, T − ℓ, M) float64 product freed before the next: kept, the 19 of them needed 19 × 4 GB at the
            // medium config's 500 trials, and an 80 GB card ran out of memory (H100, docs/benchmarks.md).
            using var step = Dashboard.Torch.Torch.NewDisposeScope();
            var cross = (a.Narrow(1, 0, t - lag) * a.Narrow(1, lag, t - lag)).Sum([1, 2]);   // (B)
            columns.Add(Pearson(sums, squares, cross, lag, nodes));   // Pearson hands its result to the scope outside step
        }
        return ToRows(columns, a.Size(0));
    }

    /// <summary>The same correlations from the T×N activity itself, <paramref name="chunk"/> time steps at a time.</summary>
    public static double[][] FromActivity(Tensor amplitudes, LatticeModes modes, int chunk = 128)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        long b = amplitudes.Size(0), t = amplitudes.Size(1);
        var lags = Lags((int)t);
        var vt = modes.Vectors.MT;                                                // (M, N)
        var sums = Dashboard.Torch.Torch.Zeros([b, t], ScalarType.Float64, amplitudes.Device);
        var squares = Dashboard.Torch.Torch.Zeros([b, t], ScalarType.Float64, amplitudes.Device);
        var cross = Enumerable.Range(0, Math.Max(lags - 1, 0))
            .Select(_ => Dashboard.Torch.Torch.Zeros([b], ScalarType.Float64, amplitudes.Device)).ToArray();
        for (long start = 0; start < t; start += chunk)
        {
            using var step = Dashboard.Torch.Torch.NewDisposeScope();
            var length = Math.Min(chunk, t - start);
            var reach = Math.Min(length + lags, t - start);                       // the chunk and the lags after it
            var s = amplitudes.Narrow(1, start, reach).MatMul(vt).To(ScalarType.Float64);   // (B, reach, N)
            var own = s.Narrow(1, 0, length);
            sums.Narrow(1, start, length).CopyFrom(own.Sum(2));
            squares.Narrow(1, start, length).CopyFrom(own.Square().Sum(2));
            for (var lag = 1; lag < lags; lag++)
            {
                var pairs = Math.Min(length, reach - lag);                        // x at start + i, y at start + i + lag
                if (pairs <= 0) continue;
                var product = (s.Narrow(1, 0, pairs) * s.Narrow(1, lag, pairs)).Sum([1, 2]);
                cross[lag - 1].CopyFrom(cross[lag - 1] + product);
            }
        }
        var columns = new List<Tensor>();
        for (var lag = 1; lag < lags; lag++)
            columns.Add(Pearson(sums, squares, cross[lag - 1], lag, modes.Vectors.Size(0)));
        return ToRows(columns, b);
    }

    /// <summary>corr(x, y) for x = S[:T−ℓ], y = S[ℓ:], from per-step sums and squares and Σxy.</summary>
    private static Tensor Pearson(Tensor sums, Tensor squares, Tensor cross, int lag, long nodes)
    {
        long t = sums.Size(1);
        var count = (double)(t - lag) * nodes;
        var sx = sums.Narrow(1, 0, t - lag).Sum(1);
        var sy = sums.Narrow(1, lag, t - lag).Sum(1);
        var sxx = squares.Narrow(1, 0, t - lag).Sum(1);
        var syy = squares.Narrow(1, lag, t - lag).Sum(1);
        var covariance = cross * count - sx * sy;
        var varianceX = sxx * count - sx.Square();
        var varianceY = syy * count - sy.Square();
        return (covariance / (varianceX * varianceY).Sqrt()).MoveToOuterScope();
    }

    private static double[][] ToRows(List<Tensor> columns, long trials)
    {
        if (columns.Count == 0) return Enumerable.Range(0, (int)trials).Select(_ => Array.Empty<double>()).ToArray();
        using var stacked = Dashboard.Torch.Torch.Stack([.. columns], 1);          // (B, L − 1)
        using var host = stacked.Cpu();
        var flat = host.ToArray<double>();
        var width = columns.Count;
        return Enumerable.Range(0, (int)trials).Select(i => flat.AsSpan(i * width, width).ToArray()).ToArray();
    }
}
