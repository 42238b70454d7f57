using Npgsql;

namespace Dashboard.Infrastructure.Queue;

/// <summary>
/// The job queue, on PostgreSQL. Guarantees: every run is executed at least once (a lost worker's run is
/// rescued when its lease expires and claimed again), and never by two workers at the same time (a claim
/// takes the row with FOR UPDATE SKIP LOCKED, and every later write is fenced by the lease's attempt).
/// The operations are split over partial files: Enqueue, Claim, Lease, Cancel.
/// </summary>
public sealed partial class RunQueue(NpgsqlDataSource dataSource, QueueOptions? options = null, TimeProvider? clock = null)
{
    public QueueOptions Options { get; } = options ?? new QueueOptions();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private DateTimeOffset Now => _clock.GetUtcNow();
}
