using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.SympScale.Models;

/// <summary>
/// Yoshida's 4th-order composition (SympRSSM's integrators/yoshida4.py), with c = 2^{1/3}: w₁ = 1/(2−c),
/// w₀ = −c/(2−c); drifts c₁ = c₄ = w₁/2, c₂ = c₃ = (w₀+w₁)/2; kicks d₁ = d₃ = w₁, d₂ = w₀. Three force evaluations a step.
/// </summary>
public static class Yoshida4
{
    private static readonly double Cbrt2 = Math.Cbrt(2);
    public static readonly double W1 = 1 / (2 - Cbrt2);
    public static readonly double W0 = -Cbrt2 / (2 - Cbrt2);
    public static readonly double[] Drift = [W1 / 2, (W0 + W1) / 2, (W0 + W1) / 2, W1 / 2];
    public static readonly double[] Kick = [W1, W0, W1];

    /// <summary>One step of size h: drift, kick, drift, kick, drift, kick, drift.</summary>
    public static (Tensor Q, Tensor P) Step(ISeparableField field, Tensor q, Tensor p, double h)
    {
        for (var i = 0; i < 3; i++)
        {
            q = q + Drift[i] * h * field.DhDp(p);
            p = p - Kick[i] * h * field.DhDq(q);
        }
        return (q + Drift[3] * h * field.DhDp(p), p);
    }
}
