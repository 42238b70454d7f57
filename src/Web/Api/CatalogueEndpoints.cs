using Dashboard.Domain.Families;
using Dashboard.Infrastructure.Database;
using Dashboard.Web.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Web.Api;

public static class CatalogueEndpoints
{
    public static void MapCatalogueEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/families", (FamilyCatalogue catalogue) => catalogue.All.OrderBy(f => f.Name).Select(FamilyDto.From).ToList())
            .WithTags("Catalogue").WithSummary("The experiment families and their config records");

        api.MapGet("/workers", async (IDbContextFactory<DashboardDbContext> db, DashboardOptions options, TimeProvider clock,
            bool? includeStopped, CancellationToken ct) =>
        {
            await using var context = await db.CreateDbContextAsync(ct);
            var query = context.Workers.AsNoTracking();
            if (includeStopped != true) query = query.Where(w => w.StoppedAt == null);
            var workers = await query.OrderBy(w => w.Name).ThenBy(w => w.Id).ToListAsync(ct);
            var now = clock.GetUtcNow();
            return workers.Select(w => WorkerDto.From(w, now, options.Queue.LeaseDuration * 3));
        }).WithTags("Workers").WithSummary("Registered workers with their device and heartbeat age")
            .Produces<WorkerDto[]>()
            .ProducesValidationProblem();
    }
}
