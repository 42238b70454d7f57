using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Runs;
using Dashboard.Domain.Scheduling;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Infrastructure.Queue;

public sealed partial class RunQueue
{
    public sealed record Enqueued(long ExperimentId, IReadOnlyList<long> RunIds);

    /// <summary>Stores the experiment and all of its sweep's runs in one transaction.</summary>
    public async Task<Enqueued> EnqueueAsync(ExperimentSubmission experiment, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var enqueued = await EnqueueAsync(experiment, connection, tx, ct);
        await tx.CommitAsync(ct);
        return enqueued;
    }

    /// <summary>Stores the experiment and its runs inside the caller's transaction (a schedule's occurrence records itself in the same one).</summary>
    public async Task<Enqueued> EnqueueAsync(ExperimentSubmission experiment, NpgsqlConnection connection,
        NpgsqlTransaction tx, CancellationToken ct = default)
    {
        var points = experiment.Sweep.Expand(experiment.Config);
        var now = Now;
        var waitsForLater = experiment.NotBefore is { } at && at > now;
        var state = (waitsForLater ? RunState.Scheduled : RunState.Queued).ToName();

        long experimentId;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO experiments (name, family, config, sweep, tags, owner, notes, created_at, claims)
            VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7, $8, $9::jsonb) RETURNING id
            """, connection, tx))
        {
            insert.Parameters.AddWithValue(experiment.Name);
            insert.Parameters.AddWithValue(experiment.Family.Name);
            insert.Parameters.AddWithValue(experiment.Config.ToJsonString());
            insert.Parameters.AddWithValue(NpgsqlDbType.Text,
                experiment.Sweep.RunCount > 1 || experiment.Sweep.Seeds.Count > 0 ? experiment.Sweep.ToJson().ToJsonString() : DBNull.Value);
            insert.Parameters.AddWithValue(experiment.Tags.ToArray());
            insert.Parameters.AddWithValue(experiment.Owner);
            insert.Parameters.AddWithValue(experiment.Notes);
            insert.Parameters.AddWithValue(now);
            insert.Parameters.AddWithValue(NpgsqlDbType.Text, experiment.Claims.Count > 0
                ? Dashboard.Domain.Claims.ClaimJson.ToJson(experiment.Claims).ToJsonString() : DBNull.Value);
            experimentId = (long)(await insert.ExecuteScalarAsync(ct))!;
        }

        // One statement for the whole sweep: arrays unnested server-side.
        var runIds = new List<long>(points.Count);
        await using (var insertRuns = new NpgsqlCommand("""
            INSERT INTO runs (experiment_id, index, family, config, seed, axis_values, state, priority, not_before,
                              device_kind, min_gpu_memory_mb, time_limit_seconds, max_attempts, total_steps,
                              created_at, updated_at)
            SELECT $1, p.index, $2, p.config::jsonb, p.seed, p.axis_values::jsonb, $3, $4, $5,
                   $6, $7, $8, $9, p.total_steps, $10, $10
            FROM unnest($11::int[], $12::text[], $13::bigint[], $14::text[], $15::bigint[])
                 AS p(index, config, seed, axis_values, total_steps)
            ORDER BY p.index
            RETURNING id
            """, connection, tx))
        {
            var p = insertRuns.Parameters;
            p.AddWithValue(experimentId);
            p.AddWithValue(experiment.Family.Name);
            p.AddWithValue(state);
            p.AddWithValue(experiment.Priority);
            p.AddWithValue(NpgsqlDbType.TimestampTz, experiment.NotBefore is { } nb ? nb : DBNull.Value);
            p.AddWithValue(experiment.Device.Kind == DeviceKind.Cuda ? "cuda" : "cpu");
            p.AddWithValue(experiment.Device.MinGpuMemoryMb);
            p.AddWithValue(NpgsqlDbType.Integer, experiment.TimeLimitSeconds is { } limit ? limit : DBNull.Value);
            p.AddWithValue(experiment.MaxAttempts);
            p.AddWithValue(now);
            p.AddWithValue(points.Select(x => x.Index).ToArray());
            p.AddWithValue(points.Select(x => x.Config.ToJsonString()).ToArray());
            p.AddWithValue(points.Select(x => x.Seed).ToArray());
            p.AddWithValue(points.Select(x => x.AxisValues.ToJsonString()).ToArray());
            p.AddWithValue(points.Select(x => experiment.Family.TotalSteps(x.Config)).ToArray());
            await using var reader = await insertRuns.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) runIds.Add(reader.GetInt64(0));
        }

        return new Enqueued(experimentId, runIds);
    }

    /// <summary>Queues a finished run's config again as a new run of the same experiment.</summary>
    public async Task<long> RequeueCopyAsync(long runId, long? newSeed, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO runs (experiment_id, index, family, config, seed, axis_values, priority, device_kind,
                              min_gpu_memory_mb, time_limit_seconds, max_attempts, total_steps)
            SELECT experiment_id, (SELECT max(index) + 1 FROM runs WHERE experiment_id = r.experiment_id), family,
                   CASE WHEN $2::bigint IS NULL THEN config ELSE jsonb_set(config, '{seed}', to_jsonb($2::bigint)) END,
                   coalesce($2, seed), axis_values, priority, device_kind, min_gpu_memory_mb, time_limit_seconds,
                   max_attempts, total_steps
            FROM runs r WHERE id = $1
            RETURNING id
            """);
        command.Parameters.AddWithValue(runId);
        command.Parameters.AddWithValue(NpgsqlDbType.Bigint, newSeed is { } s ? s : DBNull.Value);
        return await command.ExecuteScalarAsync(ct) is long id
            ? id
            : throw new KeyNotFoundException($"Run {runId} does not exist.");
    }

    internal static JsonObject ParseObject(string json) => JsonNode.Parse(json) as JsonObject ?? [];
}
