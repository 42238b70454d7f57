using Dashboard.Domain.Runs;
using Dashboard.Domain.Scheduling;
using Npgsql;

namespace Dashboard.Infrastructure.Workers;

/// <summary>
/// Which devices the workers offer, to tell a waiting run that none can serve it (<see cref="WaitingReason"/>).
/// A worker is online while it heartbeats: signed off or silent for <paramref name="offlineAfter"/> means gone.
/// </summary>
public sealed class WorkerCapacity(NpgsqlDataSource dataSource, TimeSpan offlineAfter, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Devices of the workers online now.</summary>
    public Task<IReadOnlyList<WorkerDevice>> OnlineAsync(CancellationToken ct = default) =>
        ReadAsync("WHERE stopped_at IS NULL AND last_heartbeat_at > $1", _clock.GetUtcNow() - offlineAfter, ct);

    /// <summary>Devices of every worker that ever registered, online or not (a submission warns when none could serve it).</summary>
    public Task<IReadOnlyList<WorkerDevice>> EverAsync(CancellationToken ct = default) => ReadAsync("", null, ct);

    /// <summary>Why each of <paramref name="runs"/> that waits cannot start now; runs that can (or do not wait) are absent.</summary>
    public async Task<IReadOnlyDictionary<long, string>> WaitingReasonsAsync(IEnumerable<Run> runs, CancellationToken ct = default)
    {
        var waiting = runs.Where(r => r.State.IsWaiting()).ToList();
        if (waiting.Count == 0) return new Dictionary<long, string>();
        var online = await OnlineAsync(ct);
        var reasons = new Dictionary<long, string>();
        foreach (var run in waiting)
            if (WaitingReason.For(run.Device, online) is { } reason) reasons[run.Id] = reason;
        return reasons;
    }

    /// <summary>
    /// Queued runs whose not-before time passed (the overview's Queued card) that no online worker can serve: their
    /// count, and the first <paramref name="listed"/> in the order workers would take them.
    /// </summary>
    public async Task<StrandedRuns> StrandedAsync(int listed = 10, CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow();
        // Few distinct requirements wait at once (cpu, cuda, a handful of memory sizes): judge each, not each run.
        var requirements = new List<(DeviceRequirement Need, int Count)>();
        await using (var command = dataSource.CreateCommand("""
            SELECT device_kind, min_gpu_memory_mb, count(*) FROM runs
            WHERE state IN ('queued', 'scheduled') AND coalesce(not_before, '-infinity') <= $1
            GROUP BY device_kind, min_gpu_memory_mb
            """))
        {
            command.Parameters.AddWithValue(now);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                requirements.Add((new DeviceRequirement(reader.GetString(0) == "cuda" ? DeviceKind.Cuda : DeviceKind.Cpu, reader.GetInt32(1)),
                    (int)reader.GetInt64(2)));
        }
        if (requirements.Count == 0) return StrandedRuns.None;
        var online = await OnlineAsync(ct);
        var stranded = requirements.Where(r => WaitingReason.For(r.Need, online) is not null).ToList();
        if (stranded.Count == 0) return StrandedRuns.None;

        var runs = new List<StrandedRun>();
        await using (var command = dataSource.CreateCommand("""
            SELECT r.id, r.experiment_id, e.name, r.device_kind, r.min_gpu_memory_mb FROM runs r
            JOIN experiments e ON e.id = r.experiment_id
            WHERE r.state IN ('queued', 'scheduled') AND coalesce(r.not_before, '-infinity') <= $1
              AND (r.device_kind, r.min_gpu_memory_mb) IN (SELECT * FROM unnest($2::text[], $3::int[]))
            ORDER BY r.priority DESC, coalesce(r.not_before, r.created_at), r.id
            LIMIT $4
            """))
        {
            command.Parameters.AddWithValue(now);
            command.Parameters.AddWithValue(stranded.Select(s => s.Need.Kind == DeviceKind.Cuda ? "cuda" : "cpu").ToArray());
            command.Parameters.AddWithValue(stranded.Select(s => s.Need.MinGpuMemoryMb).ToArray());
            command.Parameters.AddWithValue(listed);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var need = new DeviceRequirement(reader.GetString(3) == "cuda" ? DeviceKind.Cuda : DeviceKind.Cpu, reader.GetInt32(4));
                runs.Add(new StrandedRun(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), need.ToString(),
                    WaitingReason.For(need, online) ?? ""));
            }
        }
        return new StrandedRuns(stranded.Sum(s => s.Count), runs);
    }

    private async Task<IReadOnlyList<WorkerDevice>> ReadAsync(string where, DateTimeOffset? since, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT DISTINCT device, gpu_memory_mb FROM workers {where}");
        if (since is { } s) command.Parameters.AddWithValue(s);
        var devices = new List<WorkerDevice>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            if (WorkerDevice.TryParseName(reader.GetString(0), out var kind, out var ordinal))
                devices.Add(new WorkerDevice(kind, ordinal, reader.GetInt32(1)));
        return devices;
    }
}
