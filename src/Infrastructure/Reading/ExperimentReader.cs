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
        return new ExperimentDetail(experiment, runs, await FinalMetricsAsync(runs.Select(r => r.Id).ToArray(), ct));
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
}
