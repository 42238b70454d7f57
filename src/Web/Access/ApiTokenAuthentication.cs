using System.Text.Encodings.Web;
using Dashboard.Infrastructure.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Access;

/// <summary>
/// <c>Authorization: Bearer …</c>: a member's API token (<c>dsh_…</c>, for scripts), or a review link's secret (a
/// reviewer's own page: reads what the link covers, nothing else). On the hub path only, the token may also come as
/// the <c>access_token</c> query parameter, which is how browsers' SignalR clients send it over WebSockets and
/// server-sent events. A request with a bad token is answered 401 with what to do; it never falls back to the cookie.
/// </summary>
public sealed class ApiTokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, ApiTokenStore tokens, ReviewLinkStore links) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string BearerPrefix = "Bearer ";
    public const string QueryParameter = "access_token";

    public static bool HasBearer(HttpRequest request) => TokenOf(request) is not null;

    /// <summary>The bearer token of a request: the Authorization header, or access_token on the hub path.</summary>
    public static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)) return header[BearerPrefix.Length..].Trim();
        return AccessProblems.IsHub(request) && request.Query[QueryParameter] is [{ Length: > 0 } token] ? token : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (TokenOf(Request) is not { } token) return AuthenticateResult.NoResult();
        if (await tokens.AuthenticateAsync(token, Context.RequestAborted) is { } user)
            return AuthenticateResult.Success(new AuthenticationTicket(AccessClaims.ForMember(user, Scheme.Name), Scheme.Name));
        if (await links.AuthenticateAsync(token, Context.RequestAborted) is { } link)
            return AuthenticateResult.Success(new AuthenticationTicket(ReviewSession.Of(link).ToPrincipal(Scheme.Name), Scheme.Name));
        return AuthenticateResult.Fail(AccessProblems.BadToken);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var result = await HandleAuthenticateOnceSafeAsync();
        await AccessProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized,
            result.Failure is not null ? AccessProblems.BadToken : AccessProblems.SignInRequired);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AccessProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, AccessProblems.ForbiddenDetail(Context));
}
