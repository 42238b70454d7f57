using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.Harmonic.Field;

/// <summary>
/// The seed's rotation of a trial: θ_t = atan2(a_t[1], a_t[0]) on modes 0 and 1, each step's change wrapped into
/// [−π, π] by one ±2π correction, rotation = degrees(Σ |Δθ_t|). NaN amplitudes give a NaN rotation.
/// </summary>
public static class Rotation
{
    /// <summary>Rotation in degrees per trial, from amplitudes (B, T, M).</summary>
    public static double[] Degrees(Tensor amplitudes)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var theta = amplitudes.Select(2, 1).Atan2(amplitudes.Select(2, 0));       // (B, T)
        long t = theta.Size(1);
        var delta = theta.Narrow(1, 1, t - 1) - theta.Narrow(1, 0, t - 1);        // (B, T − 1)
        var twoPi = 2 * Math.PI;
        delta = Dashboard.Torch.Torch.Where(delta.Gt(Math.PI), delta - twoPi, delta);
        delta = Dashboard.Torch.Torch.Where(delta.Lt(-Math.PI), delta + twoPi, delta);
        var total = delta.To(ScalarType.Float64).Abs().Sum(1) * (180.0 / Math.PI);  // (B)
        return total.Cpu().ToArray<double>();
    }
}
