using Dashboard.Domain.Runs;
using Dashboard.Domain.Scheduling;

namespace Dashboard.Infrastructure.Queue;

public sealed partial class RunQueue
{
    /// <summary>
    /// Takes the next run this worker's device can serve, highest priority first, then oldest. Skips rows
    /// other claimers hold locked, so concurrent claimers never wait for each other or take the same run.
    /// </summary>
    public async Task<ClaimedRun?> ClaimAsync(long workerId, WorkerDevice device, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            WITH next AS (
                SELECT id FROM runs
                WHERE state IN ('queued', 'scheduled')
                  AND NOT cancel_requested
                  AND (not_before IS NULL OR not_before <= $3)
                  AND CASE WHEN $2 = 'cpu' THEN device_kind = 'cpu'
                           ELSE device_kind = 'cuda' AND min_gpu_memory_mb <= $4 END
                ORDER BY priority DESC, coalesce(not_before, created_at), id
                LIMIT 1
                FOR UPDATE SKIP LOCKED)
            UPDATE runs r
            SET state = 'running', worker_id = $1, attempts = r.attempts + 1, lease_expires_at = $3 + $5,
                started_at = coalesce(r.started_at, $3), failure_reason = NULL, updated_at = $3
            FROM next WHERE r.id = next.id
            RETURNING r.id, r.experiment_id, r.index, r.family, r.config::text, r.seed, r.axis_values::text,
                      r.attempts, r.max_attempts, r.time_limit_seconds, r.step, r.total_steps
            """);
        var now = Now;
        command.Parameters.AddWithValue(workerId);
        command.Parameters.AddWithValue(device.Kind == DeviceKind.Cuda ? "cuda" : "cpu");
        command.Parameters.AddWithValue(now);
        command.Parameters.AddWithValue(device.GpuMemoryMb);
        command.Parameters.AddWithValue(Options.LeaseDuration);
        ClaimedRun claimed;
        // Disposed exactly once: Npgsql reuses reader objects per connection, so a second dispose after
        // the connection went back to the pool would close another caller's reader.
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return null;
            claimed = Read(reader, workerId);
        }

        await using var mark = dataSource.CreateCommand("UPDATE workers SET current_run_id = $2 WHERE id = $1");
        mark.Parameters.AddWithValue(workerId);
        mark.Parameters.AddWithValue(claimed.RunId);
        await mark.ExecuteNonQueryAsync(ct);
        return claimed;
    }

    private static ClaimedRun Read(Npgsql.NpgsqlDataReader reader, long workerId)
    {
        var runId = reader.GetInt64(0);
        var attempt = reader.GetInt32(7);
        return new ClaimedRun(
            new Lease(runId, workerId, attempt),
            ExperimentId: reader.GetInt64(1),
            Index: reader.GetInt32(2),
            Family: reader.GetString(3),
            Config: ParseObject(reader.GetString(4)),
            Seed: reader.IsDBNull(5) ? null : reader.GetInt64(5),
            AxisValues: ParseObject(reader.GetString(6)),
            MaxAttempts: reader.GetInt32(8),
            TimeLimit: reader.IsDBNull(9) ? null : TimeSpan.FromSeconds(reader.GetInt32(9)),
            LastStep: reader.IsDBNull(10) ? null : reader.GetInt64(10),
            TotalSteps: reader.IsDBNull(11) ? null : reader.GetInt64(11));
    }
}

/// <summary>A run a worker now holds. <see cref="LastStep"/> is set when an earlier attempt got that far (resume).</summary>
public sealed record ClaimedRun(
    Lease Lease,
    long ExperimentId,
    int Index,
    string Family,
    System.Text.Json.Nodes.JsonObject Config,
    long? Seed,
    System.Text.Json.Nodes.JsonObject AxisValues,
    int MaxAttempts,
    TimeSpan? TimeLimit,
    long? LastStep,
    long? TotalSteps)
{
    public long RunId => Lease.RunId;
    public int Attempt => Lease.Attempt;
}
