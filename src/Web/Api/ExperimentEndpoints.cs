using Dashboard.Domain;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;
using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Artifacts;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Queue;
using Dashboard.Web.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Web.Api;

public static class ExperimentEndpoints
{
    public static void MapExperimentEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/experiments").WithTags("Experiments");

        group.MapPost("", async (HttpRequest request, FamilyCatalogue catalogue, RunQueue queue,
            IDbContextFactory<DashboardDbContext> db, DashboardOptions options, TimeProvider clock, CancellationToken ct) =>
        {
            var body = await RequestBody.ReadAsync(request, ct);
            var submission = ExperimentRequest.Parse(body, catalogue, clock.GetUtcNow(), options.TonightAt);
            // The caller owns what they queue, unless the body names an owner.
            if (submission.Owner.Length == 0 && request.HttpContext.User.Identity?.Name is { Length: > 0 } caller)
                submission = submission with { Owner = caller };
            var enqueued = await queue.EnqueueAsync(submission, ct);
            await using var context = await db.CreateDbContextAsync(ct);
            var experiment = await context.Experiments.AsNoTracking().SingleAsync(e => e.Id == enqueued.ExperimentId, ct);
            var runs = await context.Runs.AsNoTracking().Where(r => r.ExperimentId == enqueued.ExperimentId)
                .OrderBy(r => r.Index).ToListAsync(ct);
            return Results.Created($"/api/experiments/{experiment.Id}",
                new CreatedExperimentDto(ExperimentDto.From(experiment), runs.Select(RunDto.From).ToList()));
        }).WithSummary("Create an experiment (a config and an optional sweep) and enqueue its runs");

        group.MapGet("", async (IDbContextFactory<DashboardDbContext> db, string? search, string? family, string? tag,
            string? state, string? owner, string? sort, int? page, int? pageSize, CancellationToken ct) =>
        {
            var size = Math.Clamp(pageSize ?? 25, 1, 200);
            var number = Math.Max(page ?? 1, 1);
            await using var context = await db.CreateDbContextAsync(ct);
            var query = context.Experiments.AsNoTracking();
            if (!string.IsNullOrWhiteSpace(search))
                query = query.Where(e => EF.Functions.ILike(e.Name, $"%{search.Trim()}%") || EF.Functions.ILike(e.Notes, $"%{search.Trim()}%"));
            if (!string.IsNullOrWhiteSpace(family)) query = query.Where(e => e.Family == family);
            if (!string.IsNullOrWhiteSpace(tag)) query = query.Where(e => e.Tags.Contains(tag));
            if (!string.IsNullOrWhiteSpace(owner)) query = query.Where(e => e.Owner == owner);
            if (!string.IsNullOrWhiteSpace(state))
            {
                if (!RunStateNames.TryParse(state, out var runState))
                    throw new InvalidInputException("state", $"'{state}' is not a run state; states: {string.Join(", ", RunStateNames.All)}.");
                query = query.Where(e => context.Runs.Any(r => r.ExperimentId == e.Id && r.State == runState));
            }
            query = (sort ?? "-created") switch
            {
                "-created" => query.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id),
                "created" => query.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id),
                "name" => query.OrderBy(e => e.Name).ThenBy(e => e.Id),
                "-name" => query.OrderByDescending(e => e.Name).ThenByDescending(e => e.Id),
                "family" => query.OrderBy(e => e.Family).ThenByDescending(e => e.Id),
                _ => throw new InvalidInputException("sort", $"'{sort}' is not a sort order; use created, -created, name, -name or family."),
            };
            var total = await query.CountAsync(ct);
            var items = await query.Skip((number - 1) * size).Take(size).ToListAsync(ct);
            var ids = items.Select(e => e.Id).ToList();
            var counts = await context.Runs.Where(r => ids.Contains(r.ExperimentId))
                .GroupBy(r => new { r.ExperimentId, r.State })
                .Select(g => new { g.Key.ExperimentId, g.Key.State, Count = g.Count() })
                .ToListAsync(ct);
            var dtos = items.Select(e => ExperimentDto.From(e, counts.Where(c => c.ExperimentId == e.Id)
                .ToDictionary(c => c.State.ToName(), c => c.Count))).ToList();
            return Results.Ok(new Page<ExperimentDto>(dtos, total, number, size));
        }).WithSummary("List experiments with search, filters, sorting and paging");

        group.MapGet("/{id:long}", async (long id, IDbContextFactory<DashboardDbContext> db, CancellationToken ct) =>
        {
            await using var context = await db.CreateDbContextAsync(ct);
            var experiment = await context.Experiments.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct);
            if (experiment is null) return ApiProblems.NotFound($"Experiment {id}");
            var runs = await context.Runs.AsNoTracking().Where(r => r.ExperimentId == id).OrderBy(r => r.Index).ToListAsync(ct);
            return Results.Ok(new CreatedExperimentDto(
                ExperimentDto.From(experiment, runs.GroupBy(r => r.State.ToName()).ToDictionary(g => g.Key, g => g.Count())),
                runs.Select(RunDto.From).ToList()));
        }).WithSummary("An experiment with its runs");

        group.MapPost("/{id:long}/cancel", async (long id, RunQueue queue, IDbContextFactory<DashboardDbContext> db, CancellationToken ct) =>
        {
            await using var context = await db.CreateDbContextAsync(ct);
            if (!await context.Experiments.AnyAsync(e => e.Id == id, ct)) return ApiProblems.NotFound($"Experiment {id}");
            var affected = await queue.CancelExperimentAsync(id, ct);
            return Results.Ok(new { cancelled_or_requested = affected });
        }).WithSummary("Cancel every unfinished run of an experiment");

        group.MapDelete("/{id:long}", async (long id, IDbContextFactory<DashboardDbContext> db, ArtifactStore artifacts, RunQueue queue,
            CancellationToken ct) =>
        {
            await using var context = await db.CreateDbContextAsync(ct);
            var experiment = await context.Experiments.SingleOrDefaultAsync(e => e.Id == id, ct);
            if (experiment is null) return ApiProblems.NotFound($"Experiment {id}");
            if (await context.Runs.AnyAsync(r => r.ExperimentId == id && r.State == RunState.Running, ct))
            {
                await queue.CancelExperimentAsync(id, ct);
                return Results.Problem(title: "Runs still running", statusCode: 409,
                    detail: $"Experiment {id} has running runs; they were asked to cancel. Delete again once they stopped.");
            }
            var runIds = await context.Runs.Where(r => r.ExperimentId == id).Select(r => r.Id).ToListAsync(ct);
            context.Experiments.Remove(experiment);
            await context.SaveChangesAsync(ct);
            foreach (var runId in runIds) artifacts.DeleteRunFiles(runId);
            return Results.NoContent();
        }).WithSummary("Delete an experiment, its runs, metrics and artifacts");
    }
}
