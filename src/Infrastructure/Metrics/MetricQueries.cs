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
        while (await reader.ReadAsync(ct)) keys.Add(ReadSummary(reader, 0));
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

    /// <summary>
    /// What a live chart that already drew up to <paramref name="afterStep"/> is missing: the points with a
    /// greater step, downsampled like <see cref="SeriesAsync"/> when more than <paramref name="maxPoints"/> arrived.
    /// </summary>
    public Task<Series> SeriesAfterAsync(long runId, string key, long afterStep, int maxPoints = 1000, CancellationToken ct = default) =>
        afterStep == long.MaxValue
            ? Task.FromResult(new Series(runId, key, 0, false, []))
            : SeriesAsync(runId, key, maxPoints, afterStep + 1, ct);

    /// <summary>
    /// One key of several runs (a comparison), each downsampled to at most <paramref name="maxPoints"/>, read
    /// in one query. Long series are bucketed while their chunks are decoded, never gathered into one array
    /// (50 runs of 100,000 points would be 120 MB of copies). Runs without the key are absent from the answer.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, Series>> SeriesForRunsAsync(IReadOnlyCollection<long> runIds, string key,
        int maxPoints = 1000, CancellationToken ct = default)
    {
        maxPoints = Math.Clamp(maxPoints, 2, MaxChartPoints);
        await using var command = dataSource.CreateCommand("""
            WITH s AS MATERIALIZED ( -- once per series, not once per chunk row
                SELECT id, run_id, count, max_step,
                       (SELECT min(m.first_step) FROM metric_chunks m WHERE m.series_id = metric_series.id) AS min_step
                FROM metric_series WHERE run_id = ANY($1) AND key = $2 AND count > 0)
            SELECT s.run_id, s.count, s.min_step, s.max_step, c.first_step, c.step_stride, c.steps, c."values", c.wall_times
            FROM s JOIN metric_chunks c ON c.series_id = s.id
            """);
        // No ORDER BY: buckets take points in any order and short series are sorted when joined, and sorting
        // 50,000 small chunk rows (their arrays inline) spilled to disk and doubled the time.
        command.Parameters.AddWithValue(runIds.Distinct().ToArray());
        command.Parameters.AddWithValue(key);
        var shortSeries = new Dictionary<long, List<(long[] Steps, double[] Values, double[] Times)>>();
        var longSeries = new Dictionary<long, (long Count, MinMaxBuckets Buckets)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                var runId = reader.GetInt64(0);
                var count = reader.GetInt64(1);
                if (count <= maxPoints)
                {
                    if (!shortSeries.TryGetValue(runId, out var chunks)) shortSeries[runId] = chunks = [];
                    chunks.Add(ReadChunk(reader, 4));
                    continue;
                }
                if (!longSeries.TryGetValue(runId, out var series))
                    longSeries[runId] = series = (count, new MinMaxBuckets(reader.GetInt64(2), reader.GetInt64(3), maxPoints));
                var values = reader.GetFieldValue<double[]>(7);
                var times = reader.GetFieldValue<double[]>(8);
                if (reader.IsDBNull(6))
                {
                    long step = reader.GetInt64(4), stride = reader.GetInt64(5);
                    for (var i = 0; i < values.Length; i++, step += stride) series.Buckets.Add(step, values[i], times[i]);
                }
                else
                {
                    var steps = reader.GetFieldValue<long[]>(6);
                    for (var i = 0; i < values.Length; i++) series.Buckets.Add(steps[i], values[i], times[i]);
                }
            }
        var result = new Dictionary<long, Series>(shortSeries.Count + longSeries.Count);
        foreach (var (runId, chunks) in shortSeries)
        {
            var raw = RawSeries.Concatenate(chunks, long.MinValue);
            result[runId] = new Series(runId, key, raw.Count, false, raw.ToPoints());
        }
        foreach (var (runId, (count, buckets)) in longSeries)
            result[runId] = new Series(runId, key, count, true, buckets.Points());
        return result;
    }

    /// <summary>The keys of several runs at once (see <see cref="KeysAsync(long, CancellationToken)"/>); every asked run is present.</summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<SeriesSummary>>> KeysForRunsAsync(IReadOnlyCollection<long> runIds,
        CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT run_id, key, count, max_step, last_value, min_value, max_value
            FROM metric_series WHERE run_id = ANY($1) AND count > 0 ORDER BY run_id, key
            """);
        command.Parameters.AddWithValue(runIds.Distinct().ToArray());
        var byRun = runIds.Distinct().ToDictionary(id => id, _ => new List<SeriesSummary>());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            byRun[reader.GetInt64(0)].Add(ReadSummary(reader, 1));
        return byRun.ToDictionary(p => p.Key, p => (IReadOnlyList<SeriesSummary>)p.Value);
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
                chunks.Add(ReadChunk(reader, 0));
        return RawSeries.Concatenate(chunks, fromStep);
    }

    /// <summary>A chunk row's columns from <paramref name="at"/> on: first_step, step_stride, steps, values, wall_times.</summary>
    private static (long[] Steps, double[] Values, double[] Times) ReadChunk(NpgsqlDataReader reader, int at)
    {
        var values = reader.GetFieldValue<double[]>(at + 3);
        var steps = reader.IsDBNull(at + 2)
            ? EvenSteps(reader.GetInt64(at), reader.GetInt64(at + 1), values.Length)
            : reader.GetFieldValue<long[]>(at + 2);
        return (steps, values, reader.GetFieldValue<double[]>(at + 4));
    }

    private static SeriesSummary ReadSummary(NpgsqlDataReader reader, int at) =>
        new(reader.GetString(at), reader.GetInt64(at + 1), reader.GetInt64(at + 2), reader.GetDouble(at + 3),
            reader.IsDBNull(at + 4) ? double.NaN : reader.GetDouble(at + 4), reader.IsDBNull(at + 5) ? double.NaN : reader.GetDouble(at + 5));

    private static long[] EvenSteps(long first, long stride, int count)
    {
        var steps = new long[count];
        for (var i = 0; i < count; i++) steps[i] = first + i * stride;
        return steps;
    }
}
