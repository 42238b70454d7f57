using System.Text;
using Dashboard.Domain.Families;
using Dashboard.Infrastructure.Reading;
using Dashboard.Web.Claims;

namespace Dashboard.Web.Api;

public static class ClaimEndpoints
{
    public static void MapClaimEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/experiments/{id:long}/report", async (long id, string? format, ExperimentReader reader, FamilyCatalogue catalogue,
            CancellationToken ct) =>
        {
            if (format is not (null or "md" or "markdown" or "csv"))
                throw new Domain.InvalidInputException("format", $"'{format}' is not a report format; use 'md' or 'csv'.");
            var detail = await reader.ReadAsync(id, ct);
            if (detail is null) return ApiProblems.NotFound($"Experiment {id}");
            var report = ExperimentClaims.Of(detail, catalogue);
            var csv = format == "csv";
            var body = csv ? ClaimReport.Csv(report) : ClaimReport.Markdown(report);
            return Results.File(Encoding.UTF8.GetBytes(body), csv ? "text/csv; charset=utf-8" : "text/markdown; charset=utf-8",
                $"experiment-{id}-claims.{(csv ? "csv" : "md")}");
        }).WithTags("Experiments")
            .WithSummary("The experiment's seed claims with verdicts and its ranking table, as Markdown (format=md) or CSV (format=csv)")
            .Produces<string>(StatusCodes.Status200OK, "text/markdown", "text/csv")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
