namespace Dashboard.Worker.Execution;

/// <summary>
/// Where an executor sends the metric values it observes. The host batches them and writes them to the
/// database, idempotent on (run, key, step), so a value reported twice for one step is harmless.
/// </summary>
public interface IMetricSink
{
    /// <summary>Values of one step; keys are valid <c>MetricKey</c>s. Values may be NaN or infinite: that is how divergence shows.</summary>
    void Report(long step, IReadOnlyDictionary<string, double> values, DateTimeOffset wallTime);

    /// <summary>
    /// Returns once everything reported so far is stored. Trainers call it before a checkpoint, so that a run
    /// resumed from that checkpoint never misses the points before it.
    /// </summary>
    void Flush() { }
}
