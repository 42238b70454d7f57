using Dashboard.Domain.Runs;

namespace Dashboard.Infrastructure.Queue;

public sealed partial class RunQueue
{
    /// <summary>
    /// A waiting run is cancelled at once. A running run is flagged; its worker sees the flag at its next
    /// heartbeat (within <see cref="QueueOptions.HeartbeatInterval"/>), stops it, and completes it as cancelled.
    /// Returns the run's state after the request, or null when there is no such run.
    /// </summary>
    public async Task<RunState?> CancelAsync(long runId, CancellationToken ct = default) =>
        (await CancelRunAsync(runId, ct))?.After;

    /// <summary>As <see cref="CancelAsync"/>, with the state the run was in before (a finished run is left as it was).</summary>
    public async Task<RunCancellation?> CancelRunAsync(long runId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            WITH before AS (SELECT id, state FROM runs WHERE id = $1 FOR UPDATE)
            UPDATE runs r SET
                state = CASE WHEN r.state IN ('queued', 'scheduled') THEN 'cancelled' ELSE r.state END,
                finished_at = CASE WHEN r.state IN ('queued', 'scheduled') THEN $2 ELSE r.finished_at END,
                cancel_requested = r.cancel_requested OR r.state = 'running',
                updated_at = $2
            FROM before b
            WHERE r.id = b.id
            RETURNING b.state, r.state
            """);
        command.Parameters.AddWithValue(runId);
        command.Parameters.AddWithValue(Now);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new RunCancellation(RunStateNames.Parse(reader.GetString(0)), RunStateNames.Parse(reader.GetString(1)));
    }

    /// <summary>Cancels every unfinished run of an experiment. Returns how many runs were affected.</summary>
    public async Task<int> CancelExperimentAsync(long experimentId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE runs SET
                state = CASE WHEN state IN ('queued', 'scheduled') THEN 'cancelled' ELSE state END,
                finished_at = CASE WHEN state IN ('queued', 'scheduled') THEN $2 ELSE finished_at END,
                cancel_requested = cancel_requested OR state = 'running',
                updated_at = $2
            WHERE experiment_id = $1 AND state IN ('queued', 'scheduled', 'running')
            """);
        command.Parameters.AddWithValue(experimentId);
        command.Parameters.AddWithValue(Now);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
