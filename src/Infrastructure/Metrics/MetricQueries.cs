using Npgsql;

namespace Dashboard.Infrastructure.Metrics;

/// <summary>Reads metric series for charts (downsampled) and for the run's summary of keys.</summary>
public sealed class MetricQueries(NpgsqlDataSource dataSource)
{
    public const int MaxChartPoints = 10_000;

    public async Task<IReadOnlyList<SeriesSummary>> KeysAsync(long runId, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT key, count, max_step, last_value, min_value, max_value
            FROM metric_series WHERE run_id = $1 AND count > 0 ORDER BY key
            """);
        command.Parameters.AddWithValue(runId);
        var keys = new List<SeriesSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            keys.Add(new SeriesSummary(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3),
                reader.IsDBNull(4) ? double.NaN : reader.GetDouble(4), reader.IsDBNull(5) ? double.NaN : reader.GetDouble(5)));
        return keys;
    }

    /// <summary>
    /// The series from <paramref name="fromStep"/> on, as at most <paramref name="maxPoints"/> points. Short
    /// series come back whole; longer ones through <see cref="Downsampling.MinMaxBuckets"/>.
    /// </summary>
    public async Task<Series> SeriesAsync(long runId, string key, int maxPoints = 1000, long? fromStep = null,
        CancellationToken ct = default)
    {
        maxPoints = Math.Clamp(maxPoints, 2, MaxChartPoints);
        var raw = await ReadAsync(runId, key, fromStep ?? long.MinValue, ct);
        return raw.Count <= maxPoints
            ? new Series(runId, key, raw.Count, false, raw.ToPoints())
            : new Series(runId, key, raw.Count, true, Downsampling.MinMaxBuckets(raw, maxPoints));
    }

    /// <summary>Every stored point of the series with step ≥ <paramref name="fromStep"/>, in step order.</summary>
    internal async Task<RawSeries> ReadAsync(long runId, string key, long fromStep, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT c.first_step, c.step_stride, c.steps, c."values", c.wall_times FROM metric_chunks c
            JOIN metric_series s ON s.id = c.series_id
            WHERE s.run_id = $1 AND s.key = $2 AND c.last_step >= $3
            ORDER BY c.first_step
            """);
        command.Parameters.AddWithValue(runId);
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(fromStep);
        var chunks = new List<(long[] Steps, double[] Values, double[] Times)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                var values = reader.GetFieldValue<double[]>(3);
                var steps = reader.IsDBNull(2) ? EvenSteps(reader.GetInt64(0), reader.GetInt64(1), values.Length) : reader.GetFieldValue<long[]>(2);
                chunks.Add((steps, values, reader.GetFieldValue<double[]>(4)));
            }
        return RawSeries.Concatenate(chunks, fromStep);
    }

    private static long[] EvenSteps(long first, long stride, int count)
    {
        var steps = new long[count];
        for (var i = 0; i < count; i++) steps[i] = first + i * stride;
        return steps;
    }
}
