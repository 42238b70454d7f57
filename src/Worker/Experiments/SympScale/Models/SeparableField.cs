using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.SympScale.Models;

/// <summary>The two partial derivatives of a separable H(q, p) = T(p) + V(q), on batches (B, q).</summary>
public interface ISeparableField
{
    Tensor DhDp(Tensor p);
    Tensor DhDq(Tensor q);
}
