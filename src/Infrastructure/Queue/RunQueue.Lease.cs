using Dashboard.Domain.Runs;
using NpgsqlTypes;

namespace Dashboard.Infrastructure.Queue;

public sealed partial class RunQueue
{
    /// <summary>Extends the lease and records progress. Tells the worker whether to go on, cancel, or drop the run.</summary>
    public async Task<LeaseStatus> RenewAsync(Lease lease, long? step = null, long? totalSteps = null, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            WITH renewed AS (
                UPDATE runs SET lease_expires_at = $4 + $5, updated_at = $4,
                                step = coalesce($6, step), total_steps = coalesce($7, total_steps)
                WHERE id = $1 AND worker_id = $2 AND attempts = $3 AND state = 'running'
                RETURNING cancel_requested)
            , beat AS (UPDATE workers SET last_heartbeat_at = $4 WHERE id = $2)
            SELECT cancel_requested FROM renewed
            """);
        var now = Now;
        command.Parameters.AddWithValue(lease.RunId);
        command.Parameters.AddWithValue(lease.WorkerId);
        command.Parameters.AddWithValue(lease.Attempt);
        command.Parameters.AddWithValue(now);
        command.Parameters.AddWithValue(Options.LeaseDuration);
        command.Parameters.AddWithValue(NpgsqlDbType.Bigint, step is { } s ? s : DBNull.Value);
        command.Parameters.AddWithValue(NpgsqlDbType.Bigint, totalSteps is { } t ? t : DBNull.Value);
        return await command.ExecuteScalarAsync(ct) switch
        {
            true => LeaseStatus.CancelRequested,
            false => LeaseStatus.Held,
            _ => LeaseStatus.Lost,
        };
    }

    /// <summary>
    /// Ends the attempt. A retryable failure goes back to the queue after a backoff while attempts remain.
    /// Returns the state the run is now in, or null when the lease was lost (nothing was written).
    /// </summary>
    public async Task<RunState?> CompleteAsync(Lease lease, RunCompletion completion, string? summaryJson = null,
        long? lastStep = null, CancellationToken ct = default)
    {
        if (!completion.State.IsTerminal())
            throw new ArgumentException($"A run completes in a terminal state, not '{completion.State.ToName()}'.", nameof(completion));

        var now = Now;
        await using var command = dataSource.CreateCommand("""
            UPDATE runs SET
                state = CASE WHEN $4 AND attempts < max_attempts THEN 'queued' ELSE $5 END,
                not_before = CASE WHEN $4 AND attempts < max_attempts THEN $6 + least($7 * (2 ^ (attempts - 1)), $10) ELSE not_before END,
                finished_at = CASE WHEN $4 AND attempts < max_attempts THEN NULL ELSE $6 END,
                failure_reason = $8,
                worker_id = NULL, lease_expires_at = NULL, updated_at = $6,
                summary = summary || coalesce($9::jsonb, '{}'),
                step = coalesce($11, step)
            WHERE id = $1 AND worker_id = $2 AND attempts = $3 AND state = 'running'
            RETURNING state
            """);
        command.Parameters.AddWithValue(lease.RunId);
        command.Parameters.AddWithValue(lease.WorkerId);
        command.Parameters.AddWithValue(lease.Attempt);
        command.Parameters.AddWithValue(completion.Retryable);
        command.Parameters.AddWithValue(completion.State.ToName());
        command.Parameters.AddWithValue(now);
        command.Parameters.AddWithValue(Options.RetryBackoffBase);
        command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)Truncate(completion.Reason) ?? DBNull.Value);
        command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)summaryJson ?? DBNull.Value);
        command.Parameters.AddWithValue(Options.RetryBackoffMax);
        command.Parameters.AddWithValue(NpgsqlDbType.Bigint, lastStep is { } last ? last : DBNull.Value);
        var state = await command.ExecuteScalarAsync(ct) as string;
        await ClearWorkerRunAsync(lease, ct);
        return state is null ? null : RunStateNames.Parse(state);
    }

    /// <summary>
    /// Requeues running runs whose lease expired (their worker died or hung), counting the attempt; a run out
    /// of attempts fails with the reason recorded, and a run whose cancel was requested ends cancelled.
    /// Safe to call from any number of processes at once. Returns how many runs it rescued.
    /// Nothing is rescued during the first lease period after the database server (re)started: while it was
    /// down no worker could renew, so every lease looks expired; their workers, still running, get one lease
    /// period to renew before their runs count as lost — a database restart alone never runs a run twice.
    /// </summary>
    public async Task<int> RescueExpiredLeasesAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            WITH expired AS (
                SELECT id FROM runs WHERE state = 'running' AND lease_expires_at < $1
                  AND pg_postmaster_start_time() < $1 - $2
                FOR UPDATE SKIP LOCKED)
            UPDATE runs r SET
                state = CASE WHEN r.cancel_requested THEN 'cancelled'
                             WHEN r.attempts >= r.max_attempts THEN 'failed' ELSE 'queued' END,
                failure_reason = CASE WHEN r.cancel_requested THEN 'cancelled; its worker stopped responding'
                    WHEN r.attempts >= r.max_attempts THEN format('worker lost (lease expired) on attempt %s of %s; no attempts left', r.attempts, r.max_attempts)
                    ELSE format('worker lost (lease expired) on attempt %s of %s; requeued', r.attempts, r.max_attempts) END,
                finished_at = CASE WHEN r.cancel_requested OR r.attempts >= r.max_attempts THEN $1 END,
                worker_id = NULL, lease_expires_at = NULL, updated_at = $1
            FROM expired WHERE r.id = expired.id
            """);
        command.Parameters.AddWithValue(Now);
        command.Parameters.AddWithValue(Options.LeaseDuration);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Hands a run back to the queue untouched by failure (its worker is shutting down): the attempt does not
    /// count, and the next claimer resumes from the last checkpoint. Returns false when the lease was lost.
    /// </summary>
    public async Task<bool> ReleaseAsync(Lease lease, string reason, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE runs SET state = 'queued', attempts = greatest(attempts - 1, 0), worker_id = NULL,
                            lease_expires_at = NULL, failure_reason = $4, updated_at = $5
            WHERE id = $1 AND worker_id = $2 AND attempts = $3 AND state = 'running'
            """);
        command.Parameters.AddWithValue(lease.RunId);
        command.Parameters.AddWithValue(lease.WorkerId);
        command.Parameters.AddWithValue(lease.Attempt);
        command.Parameters.AddWithValue(reason);
        command.Parameters.AddWithValue(Now);
        var released = await command.ExecuteNonQueryAsync(ct) == 1;
        await ClearWorkerRunAsync(lease, ct);
        return released;
    }

    private async Task ClearWorkerRunAsync(Lease lease, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE workers SET current_run_id = NULL WHERE id = $1 AND current_run_id = $2");
        command.Parameters.AddWithValue(lease.WorkerId);
        command.Parameters.AddWithValue(lease.RunId);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static string? Truncate(string? reason) => reason is { Length: > 4000 } ? reason[..4000] + "…" : reason;
}
