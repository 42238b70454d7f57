using Dashboard.Torch;
using Dashboard.Worker.Experiments.SympScale.Models;
using Dashboard.Worker.Experiments.SympScale.Systems;

namespace Dashboard.Worker.Experiments.SympScale;

/// <summary>
/// SympRSSM's newton_projection onto the level set C(z) = C₀ of the system's invariant (models/noether.py):
/// r = C(z) − C₀, z ← z − r∇C/(‖∇C‖² + 1e-12), repeated until every |r| is below the tolerance or the iterations
/// run out. C is the physical invariant of the un-z-scored state μ + σ⊙z, its gradient taken by autograd. While
/// autograd records (training) the projection is straight-through: the forward value is projected, the gradient
/// passes as the identity (z + stopgrad(Π(z) − z)).
/// </summary>
public sealed class NewtonProjection(PhaseSystem system, Tensor mean, Tensor std, Tensor c0, int iterations, double tolerance,
    bool checkTolerance) : StateProjection
{
    /// <summary>Iterations the last <see cref="Apply"/> took.</summary>
    public int LastIterations { get; private set; }

    /// <summary>C of z-scored states (B, D) → (B).</summary>
    public Tensor Invariant(Tensor z) => system.Invariant(mean + std * z);

    public override Tensor Apply(Tensor z)
    {
        var target = z.Detach();
        LastIterations = 0;
        for (var i = 0; i < iterations; i++)
        {
            Tensor residual, gradient;
            using (Dashboard.Torch.Torch.EnableGrad())
            {
                var x = target.Detach().RequiresGrad_();
                var c = Invariant(x);
                gradient = Autograd.Grad(c.Sum(), x);
                residual = c.Detach() - c0;
            }
            // Reading the residual back costs a device sync: only evaluation checks the tolerance.
            if (checkTolerance && residual.Abs().Max().ToDouble() < tolerance) break;
            var alpha = residual / (gradient.Square().Sum(1) + 1e-12);
            target = target - alpha.Unsqueeze(1) * gradient;
            LastIterations++;
        }
        return Dashboard.Torch.Torch.IsGradEnabled && z.RequiresGrad ? z + (target - z.Detach()) : target;
    }
}
