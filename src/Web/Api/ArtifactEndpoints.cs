using Dashboard.Infrastructure.Artifacts;
using Dashboard.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Web.Api;

public static class ArtifactEndpoints
{
    public static void MapArtifactEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/runs/{id:long}/artifacts").WithTags("Artifacts");

        group.MapGet("", async (long id, ArtifactStore store, IDbContextFactory<DashboardDbContext> db, CancellationToken ct) =>
            await MetricEndpoints.RunExists(db, id, ct)
                ? Results.Ok((await store.ListAsync(id, ct)).Select(ArtifactDto.From))
                : ApiProblems.NotFound($"Run {id}"))
            .WithSummary("The run's files")
            .Produces<ArtifactDto[]>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{**name}", async (long id, string name, HttpContext http, ArtifactStore store, CancellationToken ct) =>
        {
            // Catch-all route values keep %2F encoded; decode so the name is checked as the path it means.
            name = Uri.UnescapeDataString(name);
            var opened = await store.OpenAsync(id, name, ct);
            if (opened is not { } found) return ApiProblems.NotFound($"Artifact '{name}' of run {id}");
            // A run's files are untrusted: never let the browser sniff or run them as our pages.
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'; img-src 'self'";
            http.Response.Headers.ETag = $"\"{found.Artifact.Sha256}\"";
            var inline = found.Artifact.ContentType.StartsWith("text/plain", StringComparison.Ordinal)
                || found.Artifact.ContentType is "image/png" or "image/jpeg";
            return Results.Stream(found.Content, found.Artifact.ContentType,
                fileDownloadName: inline ? null : Path.GetFileName(found.Artifact.Name), enableRangeProcessing: true);
        }).WithSummary("Download one file (streamed; Range requests answer 206 or 416)")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/octet-stream")
            .Produces(StatusCodes.Status206PartialContent, typeof(Stream), "application/octet-stream")
            .Produces(StatusCodes.Status416RangeNotSatisfiable)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // The file's own content type (text/plain, image/png, …): any media type.
                foreach (var status in new[] { "200", "206" })
                    if (operation.Responses?.GetValueOrDefault(status)?.Content is { } content && content.Remove("application/octet-stream", out var bytes))
                        content["*/*"] = bytes;
                return Task.CompletedTask;
            });
    }
}
