using Dashboard.Domain.Experiments;
using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Reading;
using Dashboard.Web.Actions;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Web.Api;

public static class ExperimentEndpoints
{
    public static void MapExperimentEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/experiments").WithTags("Experiments");

        group.MapPost("", async (HttpRequest request, ExperimentActions actions, IDbContextFactory<DashboardDbContext> db,
            CancellationToken ct) =>
        {
            var body = await RequestBody.ReadAsync(request, ct);
            var enqueued = await actions.CreateAsync(body, request.HttpContext.User.Identity?.Name, ct);
            await using var context = await db.CreateDbContextAsync(ct);
            var experiment = await context.Experiments.AsNoTracking().SingleAsync(e => e.Id == enqueued.ExperimentId, ct);
            var runs = await context.Runs.AsNoTracking().Where(r => r.ExperimentId == enqueued.ExperimentId)
                .OrderBy(r => r.Index).ToListAsync(ct);
            var warning = runs.Count > 0 ? await actions.DeviceWarningAsync(runs[0].Device, ct) : null;
            return Results.Created($"/api/experiments/{experiment.Id}",
                new CreatedExperimentDto(ExperimentDto.From(experiment), runs.Select(r => RunDto.From(r)).ToList(),
                    warning is null ? null : [warning]));
        }).WithSummary("Create an experiment (a config and an optional sweep) and enqueue its runs")
            .Accepts<ExperimentSubmissionBody>("application/json")
            .Produces<CreatedExperimentDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

        group.MapGet("", async (ExperimentList list, string? search, string? family, string? tag,
            string? state, string? owner, string? sort, int? page, int? pageSize, CancellationToken ct) =>
        {
            var listing = await list.ReadAsync(new ExperimentListQuery
            {
                Search = search, Family = family, Tag = tag, State = state, Owner = owner, Sort = sort ?? "-created",
                Page = page ?? 1, PageSize = pageSize ?? 25,
            }, ct);
            var dtos = listing.Items.Select(s => ExperimentDto.From(s.Experiment,
                s.RunStates.ToDictionary(c => c.Key.ToName(), c => c.Value))).ToList();
            return Results.Ok(new Page<ExperimentDto>(dtos, listing.Total, listing.Page, listing.PageSize));
        }).WithSummary("List experiments with search, filters, sorting (created, name, family, runs; '-' for descending) and paging")
            .Produces<Page<ExperimentDto>>()
            .ProducesValidationProblem();

        group.MapGet("/{id:long}", async (long id, ExperimentReader reader, Domain.Families.FamilyCatalogue catalogue, CancellationToken ct) =>
        {
            var detail = await reader.ReadAsync(id, ct);
            if (detail is null) return ApiProblems.NotFound($"Experiment {id}");
            var runs = detail.Runs;
            return Results.Ok(new CreatedExperimentDto(
                ExperimentDto.From(detail.Experiment, runs.GroupBy(r => r.State.ToName()).ToDictionary(g => g.Key, g => g.Count())),
                runs.Select(r => RunDto.From(r)).ToList())
            {
                Claims = Claims.ExperimentClaims.Of(detail, catalogue).Verdicts.Select(Claims.ClaimVerdictDto.From).ToList(),
            });
        }).WithSummary("An experiment with its runs, and its claims with their verdicts")
            .Produces<CreatedExperimentDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPatch("/{id:long}", async (long id, HttpRequest request, ExperimentActions actions, CancellationToken ct) =>
        {
            var edit = ExperimentEdit.Parse(await RequestBody.ReadAsync(request, ct));
            var experiment = await actions.EditAsync(id, edit, ct);
            return experiment is null ? ApiProblems.NotFound($"Experiment {id}") : Results.Ok(ExperimentDto.From(experiment));
        }).WithSummary("Change an experiment's tags and/or notes: {\"tags\": [...], \"notes\": \"...\"}")
            .Accepts<ExperimentEditBody>("application/json")
            .Produces<ExperimentDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/cancel", async (long id, ExperimentActions actions, CancellationToken ct) =>
            await actions.CancelAsync(id, ct) is { } affected
                ? Results.Ok(new ExperimentCancelDto(affected))
                : ApiProblems.NotFound($"Experiment {id}"))
            .WithSummary("Cancel every unfinished run of an experiment")
            .Produces<ExperimentCancelDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{id:long}", async (long id, ExperimentActions actions, CancellationToken ct) =>
            await actions.DeleteAsync(id, ct) ? Results.NoContent() : ApiProblems.NotFound($"Experiment {id}"))
            .WithSummary("Delete an experiment, its runs, metrics and artifacts (409 while a run is running: cancel first)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }
}
