using Dashboard.Domain;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.OpenApi;

namespace Dashboard.Web.Api;

public static class MetricEndpoints
{
    public static void MapMetricEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/runs/{id:long}").WithTags("Metrics");

        group.MapGet("/metrics", async (long id, MetricQueries metrics, IDbContextFactory<DashboardDbContext> db, CancellationToken ct) =>
            await RunExists(db, id, ct) ? Results.Ok(await metrics.KeysAsync(id, ct)) : ApiProblems.NotFound($"Run {id}"))
            .WithSummary("The run's metric keys with point counts and latest values")
            .Produces<SeriesSummary[]>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/metrics/series", async (long id, string? key, int? maxPoints, long? fromStep, MetricQueries metrics,
            IDbContextFactory<DashboardDbContext> db, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(key)) throw new InvalidInputException("key", "is required, e.g. ?key=loss.");
            if (maxPoints is < 2 or > MetricQueries.MaxChartPoints)
                throw new InvalidInputException("maxPoints", $"must be between 2 and {MetricQueries.MaxChartPoints}.");
            if (!await RunExists(db, id, ct)) return ApiProblems.NotFound($"Run {id}");
            return Results.Ok(await metrics.SeriesAsync(id, key, maxPoints ?? 1000, fromStep, ct));
        }).WithSummary("One series, downsampled to at most maxPoints points (min/max buckets)")
            .Produces<Series>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // Optional to the binder (so a missing key is a 400 naming it), required to callers.
                if (operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == "key") is { } key) key.Required = true;
                return Task.CompletedTask;
            });

        group.MapGet("/metrics/export", async (long id, string? format, HttpContext http, MetricExport export,
            IDbContextFactory<DashboardDbContext> db, CancellationToken ct) =>
        {
            var kind = (format ?? "csv").ToLowerInvariant();
            if (kind is not ("csv" or "json")) throw new InvalidInputException("format", "must be csv or json.");
            if (!await RunExists(db, id, ct)) return ApiProblems.NotFound($"Run {id}");
            http.Response.ContentType = kind == "csv" ? "text/csv; charset=utf-8" : "application/json";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"run-{id}-metrics.{kind}\"";
            if (kind == "csv") await export.WriteCsvAsync(id, http.Response.Body, ct);
            else await export.WriteJsonAsync(id, http.Response.Body, ct);
            return Results.Empty;
        }).WithSummary("Every point of every series, as CSV or JSON")
            .Produces<MetricExportDto>(StatusCodes.Status200OK, "application/json", "text/csv")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    internal static async Task<bool> RunExists(IDbContextFactory<DashboardDbContext> db, long id, CancellationToken ct)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.Runs.AnyAsync(r => r.Id == id, ct);
    }
}
