using Dashboard.Domain.Families.SympScale;
using Dashboard.Torch;
using Dashboard.Worker.Experiments.SympScale.Models;
using Dashboard.Worker.Experiments.SympScale.Systems;

namespace Dashboard.Worker.Experiments.SympScale;

/// <summary>
/// Seed 003's evaluation (spec §6): open-loop rollouts of R steps from t = 0 of every test trajectory, in z-units,
/// with and without the Newton projection. Reports the last-window MSE, the prediction horizon (first step whose
/// nMSE = mean_d(ŝ − s)² / mean_d Var_train — 1 in z-units — passes the threshold; R when never), the conservation
/// residual mean |C(s_t) − C(s₀)| of the physical invariant, the learned-energy drift mean |H_θ(ẑ_t) − H_θ(z₀)|
/// (models with a Hamiltonian) and bounded = 1 when the last-window MSE is finite and at most τ.
/// </summary>
public static class RolloutEvaluation
{
    public static Dictionary<string, double> Evaluate(WorldModel model, Tensor test, PhaseSystem system, Tensor mean, Tensor std,
        SympScaleConfig config)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        using var noGrad = Dashboard.Torch.Torch.NoGrad();
        var z0 = test.Select(1, 0);                                        // (N, D)
        var truth = test.Narrow(1, 1, config.Rollout);                     // (N, R, D)
        var c0 = system.Invariant(mean + std * z0);                        // (N)
        var projection = new NewtonProjection(system, mean, std, c0, config.ProjectionIterations, config.ProjectionTolerance, checkTolerance: true);

        var plain = model.Rollout(z0, config.Rollout, null);
        var projected = model.Rollout(z0, config.Rollout, projection);
        var primary = config.Projection && config.HasHamiltonian ? projected : plain;

        var squared = (primary - truth).Square().Mean(2);                  // (N, R)
        var last = squared.Narrow(1, config.Rollout - config.MetricWindow, config.MetricWindow).Mean().ToDouble();
        var curve = squared.Mean(0).ToArray<double>();                     // nMSE(t), t = 1..R
        var horizon = Array.FindIndex(curve, v => !(v <= config.HorizonThreshold));
        var residualPlain = Residual(plain, projection, c0);
        var residualProjected = Residual(projected, projection, c0);

        var metrics = new Dictionary<string, double>
        {
            [SympScaleFamily.Keys.Last100Mse] = last,
            [SympScaleFamily.Keys.Horizon] = horizon < 0 ? config.Rollout : horizon + 1,
            [SympScaleFamily.Keys.Residual] = ReferenceEquals(primary, projected) ? residualProjected : residualPlain,
            [SympScaleFamily.Keys.ResidualProjected] = residualProjected,
            [SympScaleFamily.Keys.ResidualUnprojected] = residualPlain,
            [SympScaleFamily.Keys.Bounded] = double.IsFinite(last) && last <= config.Tau ? 1 : 0,
        };
        if (model.LearnedEnergy(z0) is { } h0)
        {
            var n = primary.Size(0);
            var h = model.LearnedEnergy(primary.Reshape(-1, primary.Size(2)))!.Reshape(n, config.Rollout);
            metrics[SympScaleFamily.Keys.EnergyDrift] = (h - h0.Unsqueeze(1)).Abs().Mean().ToDouble();
        }
        return metrics;
    }

    private static double Residual(Tensor rollout, NewtonProjection projection, Tensor c0)
    {
        var n = rollout.Size(0);
        var c = projection.Invariant(rollout.Reshape(-1, rollout.Size(2))).Reshape(n, -1);
        return (c - c0.Unsqueeze(1)).Abs().Mean().ToDouble();
    }
}
