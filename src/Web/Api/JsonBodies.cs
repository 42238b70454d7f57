using Microsoft.Net.Http.Headers;

namespace Dashboard.Web.Api;

/// <summary>
/// Every body sent to /api is JSON: <c>application/json</c> (or a <c>+json</c> type), in UTF-8; anything else is
/// answered 415. HTML forms can only send form encodings and text/plain, so a form on another site cannot
/// produce a request the API reads (a text/plain body shaped like JSON was such a forgery).
/// </summary>
public static class JsonBodies
{
    public static IApplicationBuilder UseJsonBodies(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var request = http.Request;
        if (request.Path.StartsWithSegments("/api") && Problem(request) is { } problem)
        {
            await Results.Problem(title: "Unsupported media type", detail: problem,
                statusCode: StatusCodes.Status415UnsupportedMediaType).ExecuteAsync(http);
            return;
        }
        await next(http);
    });

    /// <summary>Null when the request has no body, or a JSON one; else what is wrong.</summary>
    public static string? Problem(HttpRequest request)
    {
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (request.ContentType is not { Length: > 0 } contentType)
            return hasBody ? "The body has no Content-Type; send it as 'application/json'." : null;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !IsJson(media))
            return $"The body is '{contentType}'; the API reads only 'application/json'.";
        if (media.Charset.Value is { Length: > 0 } charset && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            return $"The body's charset is '{charset}'; JSON is read as UTF-8.";
        return null;
    }

    private static bool IsJson(MediaTypeHeaderValue media) =>
        media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || (media.Type.Equals("application", StringComparison.OrdinalIgnoreCase)
            && media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
}
