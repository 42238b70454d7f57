using Dashboard.Domain.Claims;
using Dashboard.Domain.Comparisons;
using Dashboard.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dashboard.Infrastructure.Reading;

/// <summary>Reads one experiment for its page: the experiment, its runs, and their final metrics.</summary>
public sealed class ExperimentReader(IDbContextFactory<DashboardDbContext> db, NpgsqlDataSource dataSource)
{
    public async Task<ExperimentDetail?> ReadAsync(long experimentId, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var experiment = await context.Experiments.AsNoTracking().SingleOrDefaultAsync(e => e.Id == experimentId, ct);
        if (experiment is null) return null;
        var runs = await context.Runs.AsNoTracking().Where(r => r.ExperimentId == experimentId)
            .OrderBy(r => r.Index).ToListAsync(ct);
        var ids = runs.Select(r => r.Id).ToArray();
        var detail = new ExperimentDetail(experiment, runs, await FinalMetricsAsync(ids, ct));
        var claims = detail.Claims();
        if (claims.Count == 0) return detail;
        // Only claims read minima, maxima and values at a step; pages without claims do not pay for them.
        var (min, max) = await ExtremesAsync(ids, ct);
        var atSteps = new Dictionary<long, IReadOnlyDictionary<MetricAtStep, double>>();
        foreach (var wanted in claims.Select(c => c.Metric).Where(m => m.Kind == ReadingKind.AtStep).Distinct())
            foreach (var (runId, value) in await AtStepAsync(ids, wanted.Key, wanted.Step ?? 0, ct))
            {
                if (!atSteps.TryGetValue(runId, out var values)) atSteps[runId] = values = new Dictionary<MetricAtStep, double>();
                ((Dictionary<MetricAtStep, double>)values)[new MetricAtStep(wanted.Key, wanted.Step ?? 0)] = value;
            }
        return detail with { MinMetrics = min, MaxMetrics = max, StepMetrics = atSteps };
    }

    /// <summary>The last reported value of each metric of each run (from the series' running summary, not the points).</summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyDictionary<string, double>>> FinalMetricsAsync(long[] runIds,
        CancellationToken ct = default)
    {
        var result = new Dictionary<long, IReadOnlyDictionary<string, double>>();
        if (runIds.Length == 0) return result;
        await using var command = dataSource.CreateCommand("""
            SELECT run_id, key, last_value FROM metric_series
            WHERE run_id = ANY($1) AND count > 0 AND last_value IS NOT NULL
            """);
        command.Parameters.AddWithValue(runIds);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var runId = reader.GetInt64(0);
            if (!result.TryGetValue(runId, out var metrics)) result[runId] = metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            ((Dictionary<string, double>)metrics)[reader.GetString(1)] = reader.GetDouble(2);
        }
        return result;
    }

    /// <summary>Each run's smallest and largest value of each metric (the series' running summary).</summary>
    private async Task<(Dictionary<long, IReadOnlyDictionary<string, double>> Min, Dictionary<long, IReadOnlyDictionary<string, double>> Max)>
        ExtremesAsync(long[] runIds, CancellationToken ct)
    {
        var min = new Dictionary<long, IReadOnlyDictionary<string, double>>();
        var max = new Dictionary<long, IReadOnlyDictionary<string, double>>();
        await using var command = dataSource.CreateCommand("""
            SELECT run_id, key, min_value, max_value FROM metric_series WHERE run_id = ANY($1) AND count > 0
            """);
        command.Parameters.AddWithValue(runIds);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var runId = reader.GetInt64(0);
            if (!min.ContainsKey(runId)) { min[runId] = new Dictionary<string, double>(); max[runId] = new Dictionary<string, double>(); }
            if (!reader.IsDBNull(2)) ((Dictionary<string, double>)min[runId])[reader.GetString(1)] = reader.GetDouble(2);
            if (!reader.IsDBNull(3)) ((Dictionary<string, double>)max[runId])[reader.GetString(1)] = reader.GetDouble(3);
        }
        return (min, max);
    }

    /// <summary>Each run's value of <paramref name="key"/> at <paramref name="step"/>: its last point at or before that step.</summary>
    private async Task<Dictionary<long, double>> AtStepAsync(long[] runIds, string key, long step, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT DISTINCT ON (s.run_id) s.run_id, c.first_step, c.step_stride, c.steps, c."values"
            FROM metric_series s JOIN metric_chunks c ON c.series_id = s.id
            WHERE s.run_id = ANY($1) AND s.key = $2 AND c.first_step <= $3
            ORDER BY s.run_id, c.first_step DESC
            """);
        command.Parameters.AddWithValue(runIds);
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(step);
        var result = new Dictionary<long, double>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var values = reader.GetFieldValue<double[]>(4);
            var steps = reader.IsDBNull(3)
                ? Enumerable.Range(0, values.Length).Select(i => reader.GetInt64(1) + i * reader.GetInt64(2)).ToArray()
                : reader.GetFieldValue<long[]>(3);
            var at = Array.FindLastIndex(steps, s => s <= step);
            if (at >= 0) result[reader.GetInt64(0)] = values[at];
        }
        return result;
    }
}
