using Dashboard.Domain;
using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Artifacts;
using Dashboard.Infrastructure.Queue;
using Npgsql;

namespace Dashboard.Web.Actions;

/// <summary>
/// What users do to one run, from its page, the experiment page or the REST API: cancel it, run its config
/// again, delete it. Re-running adds a run to the same experiment (see <see cref="RerunAsync"/>).
/// </summary>
public sealed class RunActions(RunQueue queue, NpgsqlDataSource dataSource, ArtifactStore artifacts)
{
    /// <summary>A waiting run is cancelled at once, a running one is asked to stop. Null when there is no such run.</summary>
    public Task<RunState?> CancelAsync(long runId, CancellationToken ct = default) => queue.CancelAsync(runId, ct);

    /// <summary>Cancels, answering the state before and after (null without such a run); a finished run is left as it was.</summary>
    public Task<RunCancellation?> CancelRunAsync(long runId, CancellationToken ct = default) => queue.CancelRunAsync(runId, ct);

    /// <summary>
    /// Queues the run's config again as a new run of the same experiment, so it sits beside its siblings and
    /// counts as one more seed of its config in the sweep's aggregates. With <paramref name="newSeed"/> the
    /// copy gets the next seed no run of the experiment has used yet; with <paramref name="seed"/> that one.
    /// Returns the new run's id, or null when there is no such run.
    /// </summary>
    public async Task<long?> RerunAsync(long runId, bool newSeed = false, long? seed = null, CancellationToken ct = default)
    {
        if (newSeed && seed is null)
        {
            seed = await NextSeedAsync(runId, ct);
            if (seed is null) return null;
        }
        try { return await queue.RequeueCopyAsync(runId, seed, ct); }
        catch (KeyNotFoundException) { return null; }
    }

    /// <summary>
    /// One more than the largest seed among the runs of this run's experiment (0 when none has one). When the
    /// largest is already 2^63 − 1 there is no next one: an <see cref="InvalidInputException"/> for "new_seed".
    /// </summary>
    public async Task<long?> NextSeedAsync(long runId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT true, (SELECT max(o.seed) FROM runs o WHERE o.experiment_id = r.experiment_id)
            FROM runs r WHERE r.id = $1
            """);
        command.Parameters.AddWithValue(runId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        if (reader.IsDBNull(1)) return 0;
        var largest = reader.GetInt64(1);
        return largest < long.MaxValue
            ? largest + 1
            : throw new InvalidInputException("new_seed",
                $"this experiment already has seed {long.MaxValue}, the largest there is; give a 'seed' instead.");
    }

    /// <summary>
    /// Deletes the run with its metrics and artifacts (rows and files). Refuses while it is running: cancel it
    /// first. Returns false when there is no such run.
    /// </summary>
    public async Task<bool> DeleteAsync(long runId, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        string? state;
        await using (var lockRun = new NpgsqlCommand("SELECT state FROM runs WHERE id = $1 FOR UPDATE", connection, tx))
        {
            lockRun.Parameters.AddWithValue(runId);
            state = await lockRun.ExecuteScalarAsync(ct) as string;
        }
        if (state is null) return false;
        if (state == "running")
            throw new ActionConflictException($"Run #{runId} is running; cancel it first (it stops within seconds), then delete it.");
        await using (var delete = new NpgsqlCommand("DELETE FROM runs WHERE id = $1", connection, tx))
        {
            delete.Parameters.AddWithValue(runId);
            await delete.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        await artifacts.DeleteRunFilesAsync(runId, CancellationToken.None);
        return true;
    }
}
