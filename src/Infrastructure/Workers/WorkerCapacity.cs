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
