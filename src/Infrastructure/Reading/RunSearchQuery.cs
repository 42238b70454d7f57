using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Infrastructure.Reading;

/// <summary>Finds runs across experiments for the compare picker: by experiment name (or run id), family and state.</summary>
public sealed class RunSearchQuery(IDbContextFactory<DashboardDbContext> db)
{
    public const int MaxHits = 200;

    /// <summary>Newest first, at most <paramref name="limit"/> (≤ <see cref="MaxHits"/>).</summary>
    public async Task<IReadOnlyList<RunSearchHit>> SearchAsync(string? text, string? family, RunState? state, int limit = 100,
        CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var query = from r in context.Runs.AsNoTracking()
                    join e in context.Experiments.AsNoTracking() on r.ExperimentId equals e.Id
                    select new { r, e };
        if (!string.IsNullOrWhiteSpace(text))
        {
            var term = text.Trim();
            // "#12" or "12" also finds run 12, so a run id from a message works as a search.
            var id = long.TryParse(term.TrimStart('#'), out var n) ? n : (long?)null;
            var pattern = $"%{term.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%";
            query = query.Where(x => EF.Functions.ILike(x.e.Name, pattern, "\\") || x.r.Id == id);
        }
        if (!string.IsNullOrWhiteSpace(family)) query = query.Where(x => x.r.Family == family);
        if (state is { } s) query = query.Where(x => x.r.State == s);
        var rows = await query.OrderByDescending(x => x.r.Id).Take(Math.Clamp(limit, 1, MaxHits)).ToListAsync(ct);
        return rows.Select(x => new RunSearchHit(x.r.Id, x.r.Index, x.e.Id, x.e.Name, x.r.Family, x.r.State, x.r.Seed,
            x.r.AxisValues, x.r.Step, x.r.TotalSteps, x.r.CreatedAt)).ToList();
    }
}
