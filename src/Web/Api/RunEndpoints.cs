using System.Text.Json.Nodes;
using Dashboard.Domain;
using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Queue;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Web.Api;

public static class RunEndpoints
{
    public static void MapRunEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/runs").WithTags("Runs");

        group.MapGet("", async (IDbContextFactory<DashboardDbContext> db, long? experimentId, string? state, int? limit,
            CancellationToken ct) =>
        {
            await using var context = await db.CreateDbContextAsync(ct);
            var query = context.Runs.AsNoTracking();
            if (experimentId is { } e) query = query.Where(r => r.ExperimentId == e);
            if (!string.IsNullOrWhiteSpace(state))
            {
                if (!RunStateNames.TryParse(state, out var runState))
                    throw new InvalidInputException("state", $"'{state}' is not a run state; states: {string.Join(", ", RunStateNames.All)}.");
                query = query.Where(r => r.State == runState);
            }
            var runs = await query.OrderByDescending(r => r.Id).Take(Math.Clamp(limit ?? 100, 1, 1000)).ToListAsync(ct);
            return Results.Ok(runs.Select(RunDto.From));
        }).WithSummary("List runs, newest first");

        group.MapGet("/{id:long}", async (long id, IDbContextFactory<DashboardDbContext> db, CancellationToken ct) =>
        {
            await using var context = await db.CreateDbContextAsync(ct);
            var run = await context.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
            return run is null ? ApiProblems.NotFound($"Run {id}") : Results.Ok(RunDto.From(run));
        }).WithSummary("One run");

        group.MapPost("/{id:long}/cancel", async (long id, RunQueue queue, CancellationToken ct) =>
        {
            var state = await queue.CancelAsync(id, ct);
            return state is null
                ? ApiProblems.NotFound($"Run {id}")
                : Results.Accepted(value: new { id, state = state.Value.ToName(), cancel_requested = state == RunState.Running });
        }).WithSummary("Cancel a run: a waiting run at once, a running one within seconds");

        group.MapPost("/{id:long}/rerun", async (long id, HttpRequest request, RunQueue queue,
            IDbContextFactory<DashboardDbContext> db, CancellationToken ct) =>
        {
            var body = await RequestBody.ReadAsync(request, ct);
            long? seed = null;
            if (body is JsonObject o && o["seed"] is { } s)
                seed = s is JsonValue v && v.TryGetValue<long>(out var n) ? n : throw new InvalidInputException("seed", "must be an integer.");
            await using var context = await db.CreateDbContextAsync(ct);
            if (!await context.Runs.AnyAsync(r => r.Id == id, ct)) return ApiProblems.NotFound($"Run {id}");
            var newId = await queue.RequeueCopyAsync(id, seed, ct);
            var run = await context.Runs.AsNoTracking().SingleAsync(r => r.Id == newId, ct);
            return Results.Created($"/api/runs/{newId}", RunDto.From(run));
        }).WithSummary("Queue a run's config again as a new run (optionally with another seed)");
    }
}
