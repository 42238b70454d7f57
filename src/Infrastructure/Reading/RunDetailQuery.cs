using Dashboard.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Infrastructure.Reading;

/// <summary>Loads runs for the run and compare pages, with their experiment and worker.</summary>
public sealed class RunDetailQuery(IDbContextFactory<DashboardDbContext> db)
{
    public async Task<RunDetail?> GetAsync(long runId, CancellationToken ct = default) =>
        (await GetManyAsync([runId], ct)).SingleOrDefault();

    /// <summary>The runs that exist among <paramref name="runIds"/>, in the order asked.</summary>
    public async Task<IReadOnlyList<RunDetail>> GetManyAsync(IReadOnlyList<long> runIds, CancellationToken ct = default)
    {
        var ids = runIds.Distinct().ToList();
        await using var context = await db.CreateDbContextAsync(ct);
        var runs = await context.Runs.AsNoTracking().Where(r => ids.Contains(r.Id)).ToListAsync(ct);
        var experimentIds = runs.Select(r => r.ExperimentId).Distinct().ToList();
        var experiments = await context.Experiments.AsNoTracking().Where(e => experimentIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, ct);
        var workerIds = runs.Where(r => r.WorkerId is not null).Select(r => r.WorkerId!.Value).Distinct().ToList();
        var workers = await context.Workers.AsNoTracking().Where(w => workerIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, ct);
        var byId = runs.ToDictionary(r => r.Id);
        return ids.Where(byId.ContainsKey)
            .Select(id => byId[id])
            .Select(r => new RunDetail(r, experiments[r.ExperimentId], r.WorkerId is { } w ? workers.GetValueOrDefault(w) : null))
            .ToList();
    }
}
