namespace Dashboard.Worker.Experiments.SympScale;

/// <summary>
/// What back-propagating through a k-step rollout keeps alive, estimated before a run starts so that a point
/// of the memory table the card cannot hold fails at once with its need, instead of an out-of-memory crash.
/// Per Yoshida-4 step autograd saves, for each of the 3 force evaluations, about 8 (B, h) tensors per potential
/// (pre-activations, softplus, logistic, the backward chain) and about 12 (B, D) state tensors; the GRU and the
/// free-form ODE keep fewer. The estimate is checked against the measured peak in docs/benchmarks.md.
/// </summary>
public static class BpttMemory
{
    public static double EstimateBytes(SympScaleConfig config, long modelWidth)
    {
        double perStep = config.Model switch
        {
            "symp" => 3 * 16.0 * modelWidth + 12.0 * config.Dim,
            "rk4" => 4 * 16.0 * modelWidth + 16.0 * config.Dim,
            "freeform" => 4 * 8.0 * modelWidth + 12.0 * config.Dim,
            _ => 12.0 * modelWidth + 6.0 * config.Dim,
        };
        var element = config.Float64 ? 8.0 : 4.0;
        return element * config.Batch * config.BpttWindow * perStep;
    }

    public static double GiB(double bytes) => bytes / (1024.0 * 1024 * 1024);
}
