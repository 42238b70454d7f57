namespace Dashboard.Worker.Experiments.Harmonic.Field;

/// <summary>
/// The seed's summary of a set of trials (pandas): detection rate, overall and per initial-condition family; rotation
/// mean and sample sd with NaN skipped (and how many were NaN), its CV; mean speed over detected trials.
/// </summary>
public sealed record FieldSummary(
    int Trials, double DetectionRate, IReadOnlyDictionary<InitialCondition, double> DetectionByFamily,
    double RotationMean, double RotationSd, int RotationNaN, double SpeedMean)
{
    public double RotationCv => RotationSd / RotationMean;

    public static FieldSummary Of(IReadOnlyList<TrialResult> trials)
    {
        var rotations = trials.Select(t => t.Rotation).Where(double.IsFinite).ToArray();
        var mean = rotations.Length > 0 ? rotations.Average() : double.NaN;
        var sd = rotations.Length > 1 ? Math.Sqrt(rotations.Sum(r => (r - mean) * (r - mean)) / (rotations.Length - 1)) : double.NaN;
        var speeds = trials.Where(t => t.HasWave && t.Speed is not null).Select(t => t.Speed!.Value).ToArray();
        var byFamily = InitialConditions.All.ToDictionary(f => f, f =>
        {
            var of = trials.Where(t => t.Family == f).ToArray();
            return of.Length == 0 ? double.NaN : of.Count(t => t.HasWave) / (double)of.Length;
        });
        return new FieldSummary(trials.Count, trials.Count == 0 ? double.NaN : trials.Count(t => t.HasWave) / (double)trials.Count,
            byFamily, mean, sd, trials.Count - rotations.Length, speeds.Length > 0 ? speeds.Average() : double.NaN);
    }

    /// <summary>The run's metric record: detection_rate, detection_rate/&lt;family&gt;, rotation/*, speed/mean.</summary>
    public Dictionary<string, double> Metrics()
    {
        var values = new Dictionary<string, double>
        {
            ["detection_rate"] = DetectionRate,
            ["rotation/mean"] = RotationMean,
            ["rotation/sd"] = RotationSd,
            ["rotation/cv"] = RotationCv,
            ["rotation/nan_count"] = RotationNaN,
            ["speed/mean"] = SpeedMean,
        };
        foreach (var (family, rate) in DetectionByFamily) values[$"detection_rate/{family.Key()}"] = rate;
        return values;
    }
}
