using System.Text.Json.Nodes;
using Dashboard.Domain.Schedules;
using Dashboard.Infrastructure.Schedules;
using Dashboard.Web.Actions;

namespace Dashboard.Web.Api;

public static class ScheduleEndpoints
{
    public static void MapScheduleEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/schedules").WithTags("Schedules");

        group.MapGet("", async (ScheduleStore store, TimeProvider clock, CancellationToken ct) =>
        {
            var now = clock.GetUtcNow();
            return Results.Ok((await store.ListAsync(ct: ct)).Select(s => ScheduleDto.From(s, now)).ToList());
        }).WithSummary("List schedules with their next occurrence and last outcome")
            .Produces<List<ScheduleDto>>();

        group.MapGet("/{id:long}", async (long id, ScheduleStore store, TimeProvider clock, CancellationToken ct) =>
        {
            var schedule = await store.FindAsync(id, ct);
            if (schedule is null) return ApiProblems.NotFound($"Schedule {id}");
            var occurrences = await store.OccurrencesAsync(id, 50, ct);
            return Results.Ok(new ScheduleDetailDto(ScheduleDto.From(schedule, clock.GetUtcNow()),
                schedule.Definition.Enabled ? schedule.Recurrence.Between(clock.GetUtcNow(), DateTimeOffset.MaxValue).Take(5).ToList() : [],
                occurrences.Select(OccurrenceDto.From).ToList()));
        }).WithSummary("A schedule, its next five occurrences and the last 50 it handled")
            .Produces<ScheduleDetailDto>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("", async (HttpRequest request, ScheduleActions actions, ScheduleStore store, TimeProvider clock,
            CancellationToken ct) =>
        {
            var id = await actions.CreateAsync(await RequestBody.ReadAsync(request, ct), request.HttpContext.User.Identity?.Name, ct);
            return Results.Created($"/api/schedules/{id}", ScheduleDto.From((await store.FindAsync(id, ct))!, clock.GetUtcNow()));
        }).WithSummary("Create a schedule: {\"name\", \"cron\": \"0 2 * * *\", \"time_zone\", \"skip_while_active\", \"missed\": \"run_once\"|\"skip\", \"experiment\": {…}}")
            .Accepts<JsonObject>("application/json")
            .Produces<ScheduleDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

        group.MapPut("/{id:long}", async (long id, HttpRequest request, ScheduleActions actions, ScheduleStore store,
            TimeProvider clock, CancellationToken ct) =>
            await actions.UpdateAsync(id, await RequestBody.ReadAsync(request, ct), ct)
                ? Results.Ok(ScheduleDto.From((await store.FindAsync(id, ct))!, clock.GetUtcNow()))
                : ApiProblems.NotFound($"Schedule {id}"))
            .WithSummary("Replace a schedule's definition (same body as creating one)")
            .Accepts<JsonObject>("application/json")
            .Produces<ScheduleDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/pause", async (long id, ScheduleActions actions, CancellationToken ct) =>
            await actions.PauseAsync(id, ct) ? Results.NoContent() : ApiProblems.NotFound($"Schedule {id}"))
            .WithSummary("Pause a schedule: it creates nothing until resumed")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/resume", async (long id, ScheduleActions actions, CancellationToken ct) =>
            await actions.ResumeAsync(id, ct) ? Results.NoContent() : ApiProblems.NotFound($"Schedule {id}"))
            .WithSummary("Resume a schedule from its next occurrence (the pause's occurrences are not caught up)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{id:long}", async (long id, ScheduleActions actions, CancellationToken ct) =>
            await actions.DeleteAsync(id, ct) ? Results.NoContent() : ApiProblems.NotFound($"Schedule {id}"))
            .WithSummary("Delete a schedule (the experiments it created stay)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}

public sealed record ScheduleDto(long Id, string Name, string Cron, string TimeZone, bool Enabled, bool SkipWhileActive,
    string Missed, string Owner, JsonNode Experiment, DateTimeOffset? NextOccurrence, OccurrenceDto? LastOccurrence,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ScheduleDto From(StoredSchedule s, DateTimeOffset now) => new(
        s.Id, s.Definition.Name, s.Definition.Cron, s.Definition.TimeZone.Id, s.Definition.Enabled, s.Definition.SkipWhileActive,
        s.Definition.Missed.ToName(), s.Definition.Owner, s.Definition.Experiment.DeepClone(), s.NextAfter(now),
        s.LastOccurrence is { } last ? OccurrenceDto.From(last) : null, s.CreatedAt, s.UpdatedAt);
}

public sealed record OccurrenceDto(DateTimeOffset OccursAt, string Outcome, long? ExperimentId, string? ExperimentName,
    string Detail, DateTimeOffset RecordedAt)
{
    public static OccurrenceDto From(ScheduleOccurrence o) =>
        new(o.OccursAt, o.Outcome, o.ExperimentId, o.ExperimentName, o.Detail, o.RecordedAt);
}

public sealed record ScheduleDetailDto(ScheduleDto Schedule, IReadOnlyList<DateTimeOffset> NextOccurrences,
    IReadOnlyList<OccurrenceDto> Occurrences);
