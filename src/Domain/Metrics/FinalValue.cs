namespace Dashboard.Domain.Metrics;

/// <summary>
/// What "final value" means everywhere (run page, API, rankings, sweep aggregates): the value at the series'
/// <b>largest step</b>, not the last one written. A script that logs a late evaluation of an earlier step, or
/// restarts its count, does not change a run's result; and a resumed run that writes a step again keeps the
/// value first stored for it. The metric writer keeps this per series as it stores points
/// (metric_series.last_value with max_step); every reader takes it from there.
/// </summary>
public static class FinalValue
{
    /// <summary>The point with the largest step; of several at that step, the first written. Null when there are none.</summary>
    public static MetricPoint? Of(IEnumerable<MetricPoint> pointsInWrittenOrder)
    {
        MetricPoint? final = null;
        foreach (var point in pointsInWrittenOrder)
            if (final is not { } f || point.Step > f.Step) final = point;
        return final;
    }

    /// <summary>Whether a batch's final point replaces the stored one: only a larger step does.</summary>
    public static bool Replaces(long batchStep, long? storedStep) => storedStep is not { } stored || batchStep > stored;
}
