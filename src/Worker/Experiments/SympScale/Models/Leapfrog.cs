using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.SympScale.Models;

/// <summary>Störmer–Verlet (SympRSSM's integrators/leapfrog.py): p½ = p − (h/2)∇V(q); q' = q + h∇T(p½); p' = p½ − (h/2)∇V(q').</summary>
public static class Leapfrog
{
    public static (Tensor Q, Tensor P) Step(ISeparableField field, Tensor q, Tensor p, double h)
    {
        var half = p - 0.5 * h * field.DhDq(q);
        var next = q + h * field.DhDp(half);
        return (next, half - 0.5 * h * field.DhDq(next));
    }
}
