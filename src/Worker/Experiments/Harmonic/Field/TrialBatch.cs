namespace Dashboard.Worker.Experiments.Harmonic.Field;

/// <summary>
/// How many trials run together on the device. A set trial_batch is taken as given; 0 picks one: batches whose mode
/// amplitudes (B, T, M) float32 stay within <see cref="AmplitudeBudgetBytes"/> (the lag products beside them are a few
/// times that), and at least <see cref="MinReports"/> batches a run, so a run shows progress and can be cancelled
/// between batches instead of being one opaque step.
/// </summary>
public static class TrialBatch
{
    public const long AmplitudeBudgetBytes = 256L << 20;
    public const int MinReports = 4;

    public static int For(HarmonicConfig config)
    {
        if (config.TrialBatch > 0) return Math.Min(config.TrialBatch, config.Trials);
        var perTrial = 4L * Math.Max(1, config.Timesteps) * Math.Max(1, config.Modes);
        var byMemory = Math.Max(1, AmplitudeBudgetBytes / perTrial);
        var byProgress = (config.Trials + MinReports - 1) / MinReports;
        return (int)Math.Max(1, Math.Min(config.Trials, Math.Min(byMemory, byProgress)));
    }
}
