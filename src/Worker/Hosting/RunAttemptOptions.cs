using Dashboard.Infrastructure.Artifacts;

namespace Dashboard.Worker.Hosting;

/// <summary>Bounds of one attempt's bookkeeping: metric points held while the database is away, file recording, retry pacing.</summary>
public sealed record RunAttemptOptions
{
    /// <summary>Metric points kept in memory while the database is away; past it the run's reporting waits (nothing is dropped).</summary>
    public int MaxBufferedPoints { get; init; } = MetricBatcher.DefaultMaxBuffered;

    public RecordingLimits Recording { get; init; } = new();

    /// <summary>Longest wait between two tries of a database write while it is away.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a worker that is told to stop waits for an absent database before leaving its run to be rescued.</summary>
    public TimeSpan ShutdownPatience { get; init; } = TimeSpan.FromSeconds(8);
}
