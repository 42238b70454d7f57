namespace Dashboard.Domain.Families.SympScale;

/// <summary>
/// Seed 003's capacity control: the parameter counts of the learned Hamiltonian (symp, rk4) and of the
/// free-form models at phase dimension D, and the widths that make the GRU's count match the Hamiltonian's to
/// within <see cref="Tolerance"/>. At D = 4, a = 2 and width 110 this gives the seed's 25,525 and 25,540 (GRU width 64).
/// </summary>
public static class SympScaleCapacity
{
    /// <summary>The seed's rule: GRU and Symp counts differ by less than 0.1 %.</summary>
    public const double Tolerance = 1e-3;

    /// <summary>How far (as a fraction of the asked width) the Hamiltonian's width may move to find a match.</summary>
    public const double WidthSlack = 0.1;

    /// <summary>One 2-hidden-layer MLP d_in → h → h → 1: (d_in·h + h) + (h² + h) + (h + 1).</summary>
    public static long Mlp(long dIn, long h) => dIn * h + h + h * h + h + h + 1;

    /// <summary>H = T(p) + V(q) + Φ(q, a): a Cholesky factor of q(q+1)/2 entries, V(q) and Φ(q, a) MLPs of width h.</summary>
    public static long Hamiltonian(long d, long actionDim, long h)
    {
        var q = d / 2;
        return q * (q + 1) / 2 + Mlp(q, h) + Mlp(q + actionDim, h);
    }

    /// <summary>Linear(D+a → g) + equinox GRUCell(g, g) (W_ih, W_hh 3g×g, bias 3g, bias_n g) + Linear(g → D).</summary>
    public static long Gru(long d, long actionDim, long g) => (d + actionDim) * g + g + 6 * g * g + 4 * g + g * d + d;

    /// <summary>The free-form ODE: MLP(D+a → w → w → w → D), depth 3 as the source's eqx.nn.MLP(width, depth=3).</summary>
    public static long Freeform(long d, long actionDim, long w) => (d + actionDim) * w + w + 2 * (w * w + w) + w * d + d;

    /// <summary>
    /// The widths that match: the Hamiltonian's width nearest to <paramref name="width"/> (within
    /// <see cref="WidthSlack"/>) for which some GRU width is within <see cref="Tolerance"/>, and the free-form
    /// width nearest in count (reported, not held to the tolerance). Null when no width matches.
    /// </summary>
    public static CapacityMatch? Match(long d, long actionDim, long width)
    {
        var slack = Math.Max(2, (long)Math.Ceiling(width * WidthSlack));
        for (var offset = 0L; offset <= slack; offset++)
        {
            foreach (var h in offset == 0 ? new[] { width } : new[] { width - offset, width + offset })
            {
                if (h < 1) continue;
                var symp = Hamiltonian(d, actionDim, h);
                var g = NearestWidth(symp, w => Gru(d, actionDim, w));
                var gru = Gru(d, actionDim, g);
                if (Math.Abs(gru - symp) < Tolerance * symp)
                {
                    var f = NearestWidth(symp, w => Freeform(d, actionDim, w));
                    return new CapacityMatch(h, symp, g, gru, f, Freeform(d, actionDim, f));
                }
            }
        }
        return null;
    }

    /// <summary>The width whose count (increasing in width) is nearest to <paramref name="target"/>.</summary>
    private static long NearestWidth(long target, Func<long, long> count)
    {
        long lo = 1, hi = 1;
        while (count(hi) < target) hi *= 2;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (count(mid) < target) lo = mid + 1; else hi = mid;
        }
        return lo > 1 && target - count(lo - 1) < count(lo) - target ? lo - 1 : lo;
    }
}

/// <summary>Matched widths and counts: the Hamiltonian's (symp and rk4), the GRU's and the free-form ODE's.</summary>
public sealed record CapacityMatch(long HamiltonianWidth, long HamiltonianParameters, long GruWidth, long GruParameters,
    long FreeformWidth, long FreeformParameters)
{
    /// <summary>Symp / GRU, the seed's "0.9994".</summary>
    public double Ratio => (double)HamiltonianParameters / GruParameters;
}
