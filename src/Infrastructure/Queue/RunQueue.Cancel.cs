using Dashboard.Domain.Runs;

namespace Dashboard.Infrastructure.Queue;

public sealed partial class RunQueue
{
    /// <summary>
    /// A waiting run is cancelled at once. A running run is flagged; its worker sees the flag at its next
    /// heartbeat (within <see cref="QueueOptions.HeartbeatInterval"/>), stops it, and completes it as cancelled.
    /// Returns the run's state after the request, or null when there is no such run.
    /// </summary>
    public async Task<RunState?> CancelAsync(long runId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE runs SET
                state = CASE WHEN state IN ('queued', 'scheduled') THEN 'cancelled' ELSE state END,
                finished_at = CASE WHEN state IN ('queued', 'scheduled') THEN $2 ELSE finished_at END,
                cancel_requested = cancel_requested OR state = 'running',
                updated_at = $2
            WHERE id = $1
            RETURNING state
            """);
        command.Parameters.AddWithValue(runId);
        command.Parameters.AddWithValue(Now);
        return await command.ExecuteScalarAsync(ct) is string state ? RunStateNames.Parse(state) : null;
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
