namespace Dashboard.Worker.Experiments.SympScale.Systems;

/// <summary>
/// Yoshida's 8th-order symplectic composition (1990, solution D, as tabulated in Hut and Makino's ACS "yo8"):
/// 15 leapfrog substeps with weights d₀…d₆, d₇, d₆…d₀. The FPUT reference integrator, for separable
/// H = |p|²/2 + V(q).
/// </summary>
public static class Yoshida8
{
    private static readonly double[] Half =
    [
        1.04242620869991, 1.82020630970714, 0.157739928123617, 2.44002732616735,
        -0.00716989419708120, -2.44699182370524, -1.61582374150097,
    ];

    /// <summary>d₇ = 1 − 2Σd₀..d₆, so the weights sum to one.</summary>
    private static readonly double Middle = 1 - 2 * Half.Sum();

    public static readonly double[] Weights = [.. Half, Middle, .. Half.Reverse()];

    /// <summary>−∇V(q), written into the second argument.</summary>
    public delegate void Force(ReadOnlySpan<double> q, Span<double> force);

    /// <summary>One step of size h on (q, p) in place: a kick–drift–kick leapfrog of size wᵢh for each weight.</summary>
    public static void Step(Force force, Span<double> q, Span<double> p, double h, Span<double> scratch)
    {
        foreach (var w in Weights)
        {
            var hw = w * h;
            force(q, scratch);
            for (var i = 0; i < p.Length; i++) p[i] += 0.5 * hw * scratch[i];
            for (var i = 0; i < q.Length; i++) q[i] += hw * p[i];
            force(q, scratch);
            for (var i = 0; i < p.Length; i++) p[i] += 0.5 * hw * scratch[i];
        }
    }
}
