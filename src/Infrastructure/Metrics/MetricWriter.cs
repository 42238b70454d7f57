using Dashboard.Domain.Metrics;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Infrastructure.Metrics;

/// <summary>
/// Writes metric points in batches, one transaction per batch: each series' new points become one chunk
/// row (arrays of steps, values and wall times) sent by binary COPY, and the series' summary (count, last
/// step and value, range) is updated alongside; then NOTIFY so pages redraw. Steps a series already has
/// are dropped, so a retried batch never duplicates a point. The series rows are locked for the batch, so
/// two writers of one series (a worker and the one that took its run over) cannot interleave.
/// </summary>
public sealed class MetricWriter(NpgsqlDataSource dataSource)
{
    public const string Channel = "metric_points";
    /// <summary>Points per chunk row: small enough that a live chart reading "from step N" reads little.</summary>
    public const int ChunkSize = 8192;

    /// <summary>Stores the batch. Returns how many points were new.</summary>
    public async Task<int> WriteAsync(IReadOnlyCollection<MetricPoint> batch, CancellationToken ct = default)
    {
        if (batch.Count == 0) return 0;
        foreach (var point in batch)
            if (!MetricKey.IsValid(point.Key))
                throw new ArgumentException(MetricKey.Describe(point.Key), nameof(batch));

        var groups = batch
            .GroupBy(p => (p.RunId, p.Key))
            .Select(g => new SeriesBatch(g.Key.RunId, g.Key.Key, FirstOfEachStep(g)))
            .ToList();

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await AttachSeriesAsync(connection, tx, groups, ct);
        foreach (var group in groups.Where(g => g.MaxStoredStep is not null && g.Points[0].Step <= g.MaxStoredStep))
            await DropStoredStepsAsync(connection, tx, group, ct);

        var written = groups.Where(g => g.Points.Count > 0).ToList();
        if (written.Count > 0)
        {
            await CopyChunksAsync(connection, written, ct);
            await UpdateSummariesAsync(connection, tx, written, ct);
            await using var notify = new NpgsqlCommand($"SELECT pg_notify('{Channel}', $1)", connection, tx);
            notify.Parameters.AddWithValue(string.Join(',', written.Select(g => g.RunId).Distinct()));
            await notify.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return written.Sum(g => g.Points.Count);
    }

    private sealed class SeriesBatch(long runId, string key, List<MetricPoint> points)
    {
        public long RunId { get; } = runId;
        public string Key { get; } = key;
        /// <summary>Sorted by step, one point per step.</summary>
        public List<MetricPoint> Points { get; set; } = points;
        public long SeriesId { get; set; }
        public long? MaxStoredStep { get; set; }
    }

    private static List<MetricPoint> FirstOfEachStep(IEnumerable<MetricPoint> points)
    {
        var sorted = points.Select((p, i) => (p, i)).OrderBy(x => x.p.Step).ThenBy(x => x.i).Select(x => x.p).ToList();
        var unique = new List<MetricPoint>(sorted.Count);
        foreach (var point in sorted)
            if (unique.Count == 0 || unique[^1].Step != point.Step) unique.Add(point);
        return unique;
    }

    /// <summary>Creates missing series rows and locks all of the batch's, learning each one's last stored step.</summary>
    private static async Task AttachSeriesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, List<SeriesBatch> groups,
        CancellationToken ct)
    {
        var runIds = groups.Select(g => g.RunId).ToArray();
        var keys = groups.Select(g => g.Key).ToArray();
        await using (var create = new NpgsqlCommand("""
            INSERT INTO metric_series (run_id, key) SELECT * FROM unnest($1::bigint[], $2::text[])
            ON CONFLICT (run_id, key) DO NOTHING
            """, connection, tx))
        {
            create.Parameters.AddWithValue(runIds);
            create.Parameters.AddWithValue(keys);
            await create.ExecuteNonQueryAsync(ct);
        }
        await using var select = new NpgsqlCommand("""
            SELECT s.id, s.run_id, s.key, s.max_step FROM metric_series s
            JOIN unnest($1::bigint[], $2::text[]) AS b(run_id, key) ON s.run_id = b.run_id AND s.key = b.key
            ORDER BY s.id FOR UPDATE OF s
            """, connection, tx);
        select.Parameters.AddWithValue(runIds);
        select.Parameters.AddWithValue(keys);
        var byKey = groups.ToDictionary(g => (g.RunId, g.Key));
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var group = byKey[(reader.GetInt64(1), reader.GetString(2))];
            group.SeriesId = reader.GetInt64(0);
            group.MaxStoredStep = reader.IsDBNull(3) ? null : reader.GetInt64(3);
        }
    }

    /// <summary>Removes points whose step the series already has (a retried batch, or a resumed run re-reporting).</summary>
    private static async Task DropStoredStepsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, SeriesBatch group,
        CancellationToken ct)
    {
        var lowest = group.Points[0].Step;
        var highestOld = Math.Min(group.Points[^1].Step, group.MaxStoredStep!.Value);
        await using var command = new NpgsqlCommand("""
            SELECT s FROM metric_chunks c,
                 unnest(coalesce(c.steps, array(SELECT generate_series(c.first_step, c.last_step, c.step_stride)))) AS s
            WHERE c.series_id = $1 AND c.last_step >= $2 AND c.first_step <= $3 AND s BETWEEN $2 AND $3
            """, connection, tx);
        command.Parameters.AddWithValue(group.SeriesId);
        command.Parameters.AddWithValue(lowest);
        command.Parameters.AddWithValue(highestOld);
        var stored = new HashSet<long>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                stored.Add(reader.GetInt64(0));
        group.Points = group.Points.Where(p => !stored.Contains(p.Step)).ToList();
    }

    private static async Task CopyChunksAsync(NpgsqlConnection connection, List<SeriesBatch> groups, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY metric_chunks (series_id, first_step, last_step, step_stride, steps, \"values\", wall_times) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var group in groups)
        {
            for (var start = 0; start < group.Points.Count; start += ChunkSize)
            {
                var count = Math.Min(ChunkSize, group.Points.Count - start);
                var steps = new long[count];
                var values = new double[count];
                var times = new double[count];
                for (var i = 0; i < count; i++)
                {
                    var point = group.Points[start + i];
                    steps[i] = point.Step;
                    values[i] = point.Value;
                    times[i] = point.WallTime.ToUnixTimeMilliseconds() / 1000.0;
                }
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(group.SeriesId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(steps[0], NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(steps[^1], NpgsqlDbType.Bigint, ct);
                var stride = EvenStride(steps);
                if (stride is { } every)
                {
                    await copy.WriteAsync(every, NpgsqlDbType.Bigint, ct);
                    await copy.WriteNullAsync(ct);
                }
                else
                {
                    await copy.WriteNullAsync(ct);
                    await copy.WriteAsync(steps, NpgsqlDbType.Array | NpgsqlDbType.Bigint, ct);
                }
                await copy.WriteAsync(values, NpgsqlDbType.Array | NpgsqlDbType.Double, ct);
                await copy.WriteAsync(times, NpgsqlDbType.Array | NpgsqlDbType.Double, ct);
            }
        }
        await copy.CompleteAsync(ct);
    }

    /// <summary>The common difference when the steps are evenly spaced, else null.</summary>
    private static long? EvenStride(long[] steps)
    {
        if (steps.Length == 1) return 1;
        var stride = steps[1] - steps[0];
        for (var i = 2; i < steps.Length; i++)
            if (steps[i] - steps[i - 1] != stride) return null;
        return stride;
    }

    private static async Task UpdateSummariesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, List<SeriesBatch> groups,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE metric_series s SET
                count = s.count + u.n,
                -- FinalValue.Replaces: a batch's final point replaces the stored one only at a larger step.
                last_value = CASE WHEN s.max_step IS NULL OR u.max_step > s.max_step THEN u.last_value ELSE s.last_value END,
                max_step = greatest(s.max_step, u.max_step),
                min_value = CASE WHEN u.min_value IS NULL THEN s.min_value ELSE least(s.min_value, u.min_value) END,
                max_value = CASE WHEN u.max_value IS NULL THEN s.max_value ELSE greatest(s.max_value, u.max_value) END
            FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::float8[], $5::float8[], $6::float8[])
                 AS u(id, n, max_step, last_value, min_value, max_value)
            WHERE s.id = u.id
            """, connection, tx);
        command.Parameters.AddWithValue(groups.Select(g => g.SeriesId).ToArray());
        command.Parameters.AddWithValue(groups.Select(g => (long)g.Points.Count).ToArray());
        // The batch's final point (FinalValue: largest step); the SQL keeps it only over a smaller stored step.
        var finals = groups.Select(g => FinalValue.Of(g.Points)!.Value).ToList();
        command.Parameters.AddWithValue(finals.Select(f => f.Step).ToArray());
        command.Parameters.AddWithValue(finals.Select(f => f.Value).ToArray());
        // The range ignores NaN (it would swallow every comparison); infinities count.
        command.Parameters.AddWithValue(groups.Select(g => Range(g.Points, Math.Min)).ToArray());
        command.Parameters.AddWithValue(groups.Select(g => Range(g.Points, Math.Max)).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    private static double? Range(List<MetricPoint> points, Func<double, double, double> pick)
    {
        double? result = null;
        foreach (var p in points)
            if (!double.IsNaN(p.Value)) result = result is { } r ? pick(r, p.Value) : p.Value;
        return result;
    }
}
