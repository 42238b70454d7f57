namespace Dashboard.Infrastructure.Queue;

/// <summary>Timing of the queue's guarantees. A worker renews its lease every <see cref="HeartbeatInterval"/>.</summary>
public sealed record QueueOptions
{
    /// <summary>How long a claim holds without a heartbeat. After that the run is rescued and requeued.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Also how often a worker sees a cancel request, so keep it well under 5 s.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>First retry waits this long; each further attempt doubles it, up to <see cref="RetryBackoffMax"/>.</summary>
    public TimeSpan RetryBackoffBase { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan RetryBackoffMax { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan BackoffAfter(int attempts) =>
        TimeSpan.FromTicks(Math.Min(RetryBackoffMax.Ticks,
            RetryBackoffBase.Ticks * (1L << Math.Clamp(attempts - 1, 0, 30))));
}
