using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.SympScale.Models;

/// <summary>Classical RK4 on ż = (∂H/∂p, −∂H/∂q): the rk4 ablation (SympRSSM's rk4_rssm.py), not symplectic.</summary>
public static class RungeKutta4
{
    public static (Tensor Q, Tensor P) Step(ISeparableField field, Tensor q, Tensor p, double h)
    {
        var (k1q, k1p) = (field.DhDp(p), -field.DhDq(q));
        var (k2q, k2p) = (field.DhDp(p + 0.5 * h * k1p), -field.DhDq(q + 0.5 * h * k1q));
        var (k3q, k3p) = (field.DhDp(p + 0.5 * h * k2p), -field.DhDq(q + 0.5 * h * k2q));
        var (k4q, k4p) = (field.DhDp(p + h * k3p), -field.DhDq(q + h * k3q));
        return (q + h / 6 * (k1q + 2.0 * k2q + 2.0 * k3q + k4q), p + h / 6 * (k1p + 2.0 * k2p + 2.0 * k3p + k4p));
    }
}
