using Npgsql;

namespace Dashboard.Infrastructure.Metrics;

/// <summary>Reads metric series for charts (downsampled) and for export (everything).</summary>
public sealed class MetricQueries(NpgsqlDataSource dataSource)
{
    public const int MaxChartPoints = 10_000;

    public async Task<IReadOnlyList<SeriesSummary>> KeysAsync(long runId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT key, count(*), max(step), (array_agg(value ORDER BY step DESC))[1], min(value), max(value)
            FROM metric_points WHERE run_id = $1 GROUP BY key ORDER BY key
            """);
        command.Parameters.AddWithValue(runId);
        var keys = new List<SeriesSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            keys.Add(new SeriesSummary(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2),
                reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5)));
        return keys;
    }

    /// <summary>
    /// The series as at most <paramref name="maxPoints"/> points. Short series come back whole. Longer ones are
    /// cut into equal step buckets; each bucket gives its minimum and its maximum (so spikes, NaN-free envelopes
    /// and divergence stay visible), placed at the bucket's first and last step in the order of the bucket's
    /// trend (regression slope), so a falling curve does not zig-zag. One pass over the rows, in the database.
    /// </summary>
    public async Task<Series> SeriesAsync(long runId, string key, int maxPoints = 1000, long? fromStep = null,
        CancellationToken ct = default)
    {
        maxPoints = Math.Clamp(maxPoints, 2, MaxChartPoints);
        await using var connection = await dataSource.OpenConnectionAsync(ct);

        long count, lo, hi;
        await using (var range = new NpgsqlCommand("""
            SELECT count(*), coalesce(min(step), 0), coalesce(max(step), 0) FROM metric_points
            WHERE run_id = $1 AND key = $2 AND step >= $3
            """, connection))
        {
            range.Parameters.AddWithValue(runId);
            range.Parameters.AddWithValue(key);
            range.Parameters.AddWithValue(fromStep ?? long.MinValue);
            await using var reader = await range.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (count, lo, hi) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }

        if (count <= maxPoints)
        {
            await using var all = new NpgsqlCommand("""
                SELECT step, value, wall_time FROM metric_points
                WHERE run_id = $1 AND key = $2 AND step >= $3 ORDER BY step
                """, connection);
            all.Parameters.AddWithValue(runId);
            all.Parameters.AddWithValue(key);
            all.Parameters.AddWithValue(fromStep ?? long.MinValue);
            var points = new List<SeriesPoint>((int)count);
            await using var reader = await all.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                points.Add(new SeriesPoint(reader.GetInt64(0), reader.GetDouble(1), reader.GetFieldValue<DateTimeOffset>(2)));
            return new Series(runId, key, count, false, points);
        }

        var buckets = maxPoints / 2;
        await using var grouped = new NpgsqlCommand("""
            SELECT min(step), max(step), min(value), max(value), coalesce(regr_slope(value, step), 0),
                   min(wall_time), max(wall_time), count(*)
            FROM metric_points
            WHERE run_id = $1 AND key = $2 AND step >= $3
            GROUP BY floor((step - $3)::float8 * $4 / ($5 - $3 + 1))
            ORDER BY 1
            """, connection);
        grouped.Parameters.AddWithValue(runId);
        grouped.Parameters.AddWithValue(key);
        grouped.Parameters.AddWithValue(lo);
        grouped.Parameters.AddWithValue((long)buckets);
        grouped.Parameters.AddWithValue(hi);
        var result = new List<SeriesPoint>(maxPoints);
        await using (var reader = await grouped.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                long first = reader.GetInt64(0), last = reader.GetInt64(1);
                double min = reader.GetDouble(2), max = reader.GetDouble(3), slope = reader.GetDouble(4);
                var t0 = reader.GetFieldValue<DateTimeOffset>(5);
                var t1 = reader.GetFieldValue<DateTimeOffset>(6);
                if (reader.GetInt64(7) == 1)
                {
                    result.Add(new SeriesPoint(first, min, t0));
                    continue;
                }
                var falling = slope < 0;
                result.Add(new SeriesPoint(first, falling ? max : min, t0));
                result.Add(new SeriesPoint(last, falling ? min : max, t1));
            }
        }
        return new Series(runId, key, count, true, result);
    }
}
