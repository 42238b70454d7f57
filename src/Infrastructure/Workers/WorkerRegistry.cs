using Dashboard.Domain.Workers;
using Npgsql;

namespace Dashboard.Infrastructure.Workers;

/// <summary>The workers table: each worker process registers at start, heartbeats, and signs off at stop.</summary>
public sealed class WorkerRegistry(NpgsqlDataSource dataSource, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<long> RegisterAsync(WorkerInfo worker, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO workers (name, host, device, gpu_name, gpu_memory_mb, version, started_at, last_heartbeat_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id
            """);
        command.Parameters.AddWithValue(worker.Name);
        command.Parameters.AddWithValue(worker.Host);
        command.Parameters.AddWithValue(worker.Device);
        command.Parameters.AddWithValue((object?)worker.GpuName ?? DBNull.Value);
        command.Parameters.AddWithValue(worker.GpuMemoryMb);
        command.Parameters.AddWithValue(worker.Version);
        command.Parameters.AddWithValue(_clock.GetUtcNow());
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task HeartbeatAsync(long workerId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("UPDATE workers SET last_heartbeat_at = $2 WHERE id = $1");
        command.Parameters.AddWithValue(workerId);
        command.Parameters.AddWithValue(_clock.GetUtcNow());
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task SignOffAsync(long workerId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE workers SET stopped_at = $2, current_run_id = NULL WHERE id = $1");
        command.Parameters.AddWithValue(workerId);
        command.Parameters.AddWithValue(_clock.GetUtcNow());
        await command.ExecuteNonQueryAsync(ct);
    }
}
