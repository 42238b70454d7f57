using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dashboard.Infrastructure.Reading;

/// <summary>Reads the experiments list: filtered, sorted, paged, with run-state counts per experiment.</summary>
public sealed class ExperimentList(IDbContextFactory<DashboardDbContext> db, NpgsqlDataSource dataSource)
{
    public async Task<ExperimentListing> ReadAsync(ExperimentListQuery request, CancellationToken ct = default)
    {
        request = request.Checked();
        await using var context = await db.CreateDbContextAsync(ct);
        var query = context.Experiments.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(request.Search))
        {
            var pattern = $"%{Escape(request.Search.Trim())}%";
            query = query.Where(e => EF.Functions.ILike(e.Name, pattern, "\\") || EF.Functions.ILike(e.Notes, pattern, "\\"));
        }
        if (!string.IsNullOrWhiteSpace(request.Family)) query = query.Where(e => e.Family == request.Family);
        if (!string.IsNullOrWhiteSpace(request.Tag)) query = query.Where(e => e.Tags.Contains(request.Tag));
        if (!string.IsNullOrWhiteSpace(request.Owner)) query = query.Where(e => e.Owner == request.Owner);
        if (!string.IsNullOrWhiteSpace(request.State) && RunStateNames.TryParse(request.State, out var state))
            query = query.Where(e => context.Runs.Any(r => r.ExperimentId == e.Id && r.State == state));
        query = request.Sort switch
        {
            "created" => query.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id),
            "name" => query.OrderBy(e => e.Name).ThenBy(e => e.Id),
            "-name" => query.OrderByDescending(e => e.Name).ThenByDescending(e => e.Id),
            "family" => query.OrderBy(e => e.Family).ThenByDescending(e => e.Id),
            "runs" => query.OrderBy(e => context.Runs.Count(r => r.ExperimentId == e.Id)).ThenByDescending(e => e.Id),
            "-runs" => query.OrderByDescending(e => context.Runs.Count(r => r.ExperimentId == e.Id)).ThenByDescending(e => e.Id),
            _ => query.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id),
        };
        var total = await query.CountAsync(ct);
        var items = await query.Skip((request.Page - 1) * request.PageSize).Take(request.PageSize).ToListAsync(ct);
        var counts = await StateCountsAsync(context, items.Select(e => e.Id).ToList(), ct);
        return new ExperimentListing(
            items.Select(e => new ExperimentSummary(e, counts.GetValueOrDefault(e.Id) ?? new Dictionary<RunState, int>())).ToList(),
            total, request.Page, request.PageSize);
    }

    public async Task<ExperimentFacets> FacetsAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT 'family', family FROM (SELECT DISTINCT family FROM experiments) f
            UNION ALL SELECT 'tag', tag FROM (SELECT DISTINCT unnest(tags) AS tag FROM experiments) t
            UNION ALL SELECT 'owner', owner FROM (SELECT DISTINCT owner FROM experiments WHERE owner <> '') o
            """);
        var values = new List<(string Kind, string Value)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) values.Add((reader.GetString(0), reader.GetString(1)));
        IReadOnlyList<string> Of(string kind) => values.Where(v => v.Kind == kind).Select(v => v.Value).Order(StringComparer.Ordinal).ToList();
        return new ExperimentFacets(Of("family"), Of("tag"), Of("owner"));
    }

    internal static async Task<Dictionary<long, Dictionary<RunState, int>>> StateCountsAsync(DashboardDbContext context,
        IReadOnlyList<long> experimentIds, CancellationToken ct)
    {
        var counts = await context.Runs.Where(r => experimentIds.Contains(r.ExperimentId))
            .GroupBy(r => new { r.ExperimentId, r.State })
            .Select(g => new { g.Key.ExperimentId, g.Key.State, Count = g.Count() })
            .ToListAsync(ct);
        return counts.GroupBy(c => c.ExperimentId).ToDictionary(g => g.Key, g => g.ToDictionary(c => c.State, c => c.Count));
    }

    /// <summary>A search for "50%" means the text, not a wildcard.</summary>
    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
