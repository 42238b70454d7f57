using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Access;

/// <summary>
/// Keeps other sites' pages from acting with a signed-in browser's session cookie (cross-site request forgery).
/// A page on another port of the same host is the same site, so the SameSite=Lax cookie goes with its
/// requests; therefore, for every request without an API token:
/// <list type="number">
/// <item>one that changes something (not GET, HEAD, OPTIONS) or opens a WebSocket (the Blazor circuit, the run
/// hub) is refused when its Origin is not the dashboard's own or one listed in Dashboard:AllowedOrigins;</item>
/// <item>a cookie-authenticated write to /api must also carry a header no HTML form can send:
/// <c>X-Requested-With</c> (any value) or the antiforgery token as <c>RequestVerificationToken</c>. A page
/// elsewhere can only add one through CORS, which asks this app first, and this app allows no other origin.</item>
/// </list>
/// A request with <c>Authorization: Bearer</c> is exempt: a browser never attaches a token by itself.
/// </summary>
public sealed class CrossSiteRequests(RequestDelegate next, IConfiguration configuration, IOptions<AntiforgeryOptions> antiforgeryOptions)
{
    public const string RequestedWithHeader = "X-Requested-With";

    private readonly HashSet<string> _allowedOrigins = configuration.GetSection("Dashboard:AllowedOrigins") is var section
        && section.Value is { Length: > 0 } joined
            ? joined.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : section.GetChildren().Select(c => c.Value ?? "").Where(v => v.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private readonly string _tokenHeader = antiforgeryOptions.Value.HeaderName ?? "RequestVerificationToken";

    public async Task InvokeAsync(HttpContext http, IAntiforgery antiforgery)
    {
        var request = http.Request;
        if (ApiTokenAuthentication.HasBearer(request))
        {
            await next(http);
            return;
        }
        var changes = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));
        if ((changes || http.WebSockets.IsWebSocketRequest) && request.Headers.Origin.ToString() is { Length: > 0 } origin
            && !IsOwnOrigin(origin, request) && !_allowedOrigins.Contains(origin))
        {
            await AccessProblems.WriteAsync(http, StatusCodes.Status403Forbidden,
                $"Requests from other sites' pages are refused: '{origin}' is not this dashboard's origin ({OwnOrigin(request)}). " +
                "Behind a proxy, have it pass Host and X-Forwarded-Proto (from an address in Dashboard:Proxy), " +
                "or list the public origin in Dashboard:AllowedOrigins.");
            return;
        }
        // A review link's session may not write at all; authorization tells it so in its own words.
        if (changes && request.Path.StartsWithSegments("/api") && http.User.Identity?.IsAuthenticated == true && ReviewSession.Of(http.User) is null
            && string.IsNullOrWhiteSpace(request.Headers[RequestedWithHeader])
            && !(request.Headers.ContainsKey(_tokenHeader) && await antiforgery.IsRequestValidAsync(http)))
        {
            await AccessProblems.WriteAsync(http, StatusCodes.Status403Forbidden,
                $"A signed-in browser's API writes must send the header '{RequestedWithHeader}' (any value) or the antiforgery " +
                $"token as '{_tokenHeader}', which other sites' pages cannot; scripts should use an API token (Authorization: Bearer).");
            return;
        }
        await next(http);
    }

    private static string OwnOrigin(HttpRequest request) => $"{request.Scheme}://{request.Host.Value}";

    private static bool IsOwnOrigin(string origin, HttpRequest request) =>
        string.Equals(origin, OwnOrigin(request), StringComparison.OrdinalIgnoreCase);
}
