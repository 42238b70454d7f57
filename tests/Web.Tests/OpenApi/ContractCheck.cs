using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dashboard.Web.Tests.OpenApi;

/// <summary>
/// Put in front of the app under test: every /api answer any test receives is checked against the app's own
/// OpenAPI document (<see cref="ApiContract"/>). A violation is recorded and the answer becomes a 500 whose body
/// says what the document does not describe, so the test that received it fails with the reason.
/// </summary>
public sealed class ContractCheck(Func<Task<ApiContract>> contract) : IStartupFilter
{
    public ConcurrentQueue<string> Violations { get; } = new();
    public int Checked => _checked;
    private int _checked;

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (http, nextMiddleware) =>
        {
            if (!http.Request.Path.StartsWithSegments("/api"))
            {
                await nextMiddleware(http);
                return;
            }
            var original = http.Response.Body;
            using var buffer = new MemoryStream();
            http.Response.Body = buffer;
            try
            {
                await nextMiddleware(http);
            }
            finally
            {
                http.Response.Body = original;
            }
            var body = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
            var violation = http.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern }
                ? (await contract()).Check(ApiContract.PathOf(pattern), http.Request.Method, http.Response.StatusCode,
                    http.Response.ContentType, IsText(http.Response.ContentType) ? body : buffer.Length > 0 ? "binary" : "")
                : null; // no route matched (e.g. /api/runs/abc): not an operation of the document
            Interlocked.Increment(ref _checked);
            if (violation is null)
            {
                buffer.Position = 0;
                await buffer.CopyToAsync(original);
                return;
            }
            Violations.Enqueue(violation);
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            http.Response.ContentType = "text/plain";
            http.Response.ContentLength = null;
            await http.Response.WriteAsync("OpenAPI contract violation: " + violation);
        });
        next(app);
    };

    private static bool IsText(string? contentType) => contentType is not null &&
        (contentType.Contains("json", StringComparison.Ordinal) || contentType.StartsWith("text/", StringComparison.Ordinal));
}
