using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dashboard.Infrastructure.Reading;

/// <summary>Reads what the overview page shows: queue counts, workers that are not signed off, recent runs.</summary>
public sealed class QueueOverview(IDbContextFactory<DashboardDbContext> db, NpgsqlDataSource dataSource, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <param name="todayStartsAt">Midnight of the viewer's day: runs finished since then are "finished today".</param>
    /// <param name="recent">How many of the latest changed runs to list.</param>
    public async Task<QueueSnapshot> ReadAsync(DateTimeOffset todayStartsAt, int recent = 12, CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow();
        int queued, later, running, finished, failed;
        await using (var command = dataSource.CreateCommand("""
            SELECT count(*) FILTER (WHERE state IN ('queued', 'scheduled') AND coalesce(not_before, '-infinity') <= $1),
                   count(*) FILTER (WHERE state IN ('queued', 'scheduled') AND not_before > $1),
                   count(*) FILTER (WHERE state = 'running'),
                   count(*) FILTER (WHERE state NOT IN ('queued', 'scheduled', 'running') AND finished_at >= $2),
                   count(*) FILTER (WHERE state IN ('failed', 'timed_out', 'diverged') AND finished_at >= $2)
            FROM runs WHERE state IN ('queued', 'scheduled', 'running') OR finished_at >= $2
            """))
        {
            command.Parameters.AddWithValue(now);
            command.Parameters.AddWithValue(todayStartsAt);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (queued, later, running, finished, failed) = ((int)reader.GetInt64(0), (int)reader.GetInt64(1),
                (int)reader.GetInt64(2), (int)reader.GetInt64(3), (int)reader.GetInt64(4));
        }

        await using var context = await db.CreateDbContextAsync(ct);
        var workers = await context.Workers.AsNoTracking().Where(w => w.StoppedAt == null)
            .OrderBy(w => w.Name).ThenBy(w => w.Id).ToListAsync(ct);
        var recentRuns = await context.Runs.AsNoTracking()
            .OrderByDescending(r => r.UpdatedAt).ThenByDescending(r => r.Id).Take(recent)
            .Join(context.Experiments, r => r.ExperimentId, e => e.Id, (r, e) => new { Run = r, e.Name })
            .ToListAsync(ct);
        // The join may reorder rows; order again here.
        return new QueueSnapshot(queued, later, running, finished, failed, workers,
            recentRuns.OrderByDescending(x => x.Run.UpdatedAt).ThenByDescending(x => x.Run.Id)
                .Select(x => new RecentRun(x.Run, x.Name)).ToList(), now);
    }
}
