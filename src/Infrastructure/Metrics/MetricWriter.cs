using Dashboard.Domain.Metrics;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Infrastructure.Metrics;

/// <summary>
/// Writes metric points in batches: binary COPY into a session temp table, then one INSERT … ON CONFLICT
/// DO NOTHING, so a retried batch never duplicates a point; then NOTIFY so pages redraw.
/// </summary>
public sealed class MetricWriter(NpgsqlDataSource dataSource)
{
    public const string Channel = "metric_points";

    /// <summary>Stores the batch in one transaction. Returns how many points were new.</summary>
    public async Task<int> WriteAsync(IReadOnlyCollection<MetricPoint> batch, CancellationToken ct = default)
    {
        if (batch.Count == 0) return 0;
        foreach (var point in batch)
            if (!MetricKey.IsValid(point.Key))
                throw new ArgumentException(MetricKey.Describe(point.Key), nameof(batch));

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var create = new NpgsqlCommand("""
            CREATE TEMP TABLE IF NOT EXISTS metric_batch
                (run_id bigint, key text, step bigint, value double precision, wall_time timestamptz)
                ON COMMIT DELETE ROWS
            """, connection, tx))
            await create.ExecuteNonQueryAsync(ct);

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY metric_batch (run_id, key, step, value, wall_time) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var point in batch)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(point.RunId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(point.Key, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(point.Step, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(point.Value, NpgsqlDbType.Double, ct);
                await copy.WriteAsync(point.WallTime.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
            }
            await copy.CompleteAsync(ct);
        }

        int inserted;
        await using (var merge = new NpgsqlCommand("""
            INSERT INTO metric_points (run_id, key, step, value, wall_time)
            SELECT DISTINCT ON (run_id, key, step) run_id, key, step, value, wall_time FROM metric_batch
            ON CONFLICT (run_id, key, step) DO NOTHING
            """, connection, tx))
            inserted = await merge.ExecuteNonQueryAsync(ct);

        var runs = string.Join(',', batch.Select(p => p.RunId).Distinct());
        await using (var notify = new NpgsqlCommand($"SELECT pg_notify('{Channel}', $1)", connection, tx))
        {
            notify.Parameters.AddWithValue(runs);
            await notify.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return inserted;
    }
}
