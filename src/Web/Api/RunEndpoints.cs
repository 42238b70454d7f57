using Dashboard.Infrastructure.Workers;
using System.Text.Json.Nodes;
using Dashboard.Domain;
using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Database;
using Dashboard.Web.Actions;
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
            return Results.Ok(runs.Select(r => RunDto.From(r)));
        }).WithSummary("List runs, newest first")
            .Produces<RunDto[]>()
            .ProducesValidationProblem();

        group.MapGet("/{id:long}", async (long id, IDbContextFactory<DashboardDbContext> db, WorkerCapacity capacity,
            CancellationToken ct) =>
        {
            await using var context = await db.CreateDbContextAsync(ct);
            var run = await context.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
            if (run is null) return ApiProblems.NotFound($"Run {id}");
            var reasons = await capacity.WaitingReasonsAsync([run], ct);
            return Results.Ok(RunDto.From(run, reasons.GetValueOrDefault(run.Id)));
        }).WithSummary("One run; a waiting run that no online worker can serve says why in waiting_reason")
            .Produces<RunDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/cancel", async (long id, RunActions actions, CancellationToken ct) =>
        {
            var cancel = await actions.CancelRunAsync(id, ct);
            if (cancel is null) return ApiProblems.NotFound($"Run {id}");
            if (cancel.Before.IsTerminal())
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not allowed in this state",
                    detail: $"Run {id} already ended ({cancel.Before.ToName()}); there is nothing to cancel.",
                    extensions: new Dictionary<string, object?> { ["state"] = cancel.Before.ToName() });
            return Results.Accepted(value: new RunCancelDto(id, cancel.After.ToName(), cancel.After == RunState.Running));
        }).WithSummary("Cancel a run: a waiting run at once, a running one within seconds (409 with its state when it already ended)")
            .Produces<RunCancelDto>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id:long}/rerun", async (long id, HttpRequest request, RunActions actions,
            IDbContextFactory<DashboardDbContext> db, CancellationToken ct) =>
        {
            var (newSeed, seed) = RerunRequest(await RequestBody.ReadAsync(request, ct));
            var newId = await actions.RerunAsync(id, newSeed, seed, ct);
            if (newId is null) return ApiProblems.NotFound($"Run {id}");
            await using var context = await db.CreateDbContextAsync(ct);
            var run = await context.Runs.AsNoTracking().SingleAsync(r => r.Id == newId, ct);
            return Results.Created($"/api/runs/{newId}", RunDto.From(run));
        }).WithSummary("Queue a run's config again as a new run of its experiment: same seed, {\"new_seed\": true}, or {\"seed\": 7}")
            .Accepts<RerunBody>(isOptional: true, "application/json")
            .Produces<RunDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{id:long}", async (long id, RunActions actions, CancellationToken ct) =>
            await actions.DeleteAsync(id, ct) ? Results.NoContent() : ApiProblems.NotFound($"Run {id}"))
            .WithSummary("Delete a run with its metrics and artifacts (409 while it is running: cancel first)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>The optional body of a re-run: {"seed": 7} for that seed, or {"new_seed": true} for the next unused one.</summary>
    private static (bool NewSeed, long? Seed) RerunRequest(JsonNode? body)
    {
        if (body is null) return (false, null);
        if (body is not JsonObject o) throw new InvalidInputException("body", "must be a JSON object like {\"new_seed\": true} or {\"seed\": 7}.");
        var errors = new List<ValidationError>();
        foreach (var (field, _) in o)
            if (field is not ("seed" or "new_seed")) errors.Add(new(field, "is not a re-run option; use 'seed' or 'new_seed'."));
        long? seed = null;
        if (o["seed"] is { } s)
        {
            if (s is JsonValue v && v.TryGetValue<long>(out var n)) seed = n;
            else errors.Add(new("seed", "must be an integer."));
        }
        var newSeed = false;
        if (o["new_seed"] is { } ns)
        {
            if (ns is JsonValue b && b.TryGetValue<bool>(out var flag)) newSeed = flag;
            else errors.Add(new("new_seed", "must be true or false."));
        }
        if (newSeed && seed is not null) errors.Add(new("seed", "give either 'seed' or 'new_seed', not both."));
        if (errors.Count > 0) throw new InvalidInputException(errors);
        return (newSeed, seed);
    }
}
