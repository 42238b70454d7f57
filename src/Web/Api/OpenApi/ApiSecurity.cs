using Dashboard.Web.Access;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Dashboard.Web.Api.OpenApi;

/// <summary>
/// The document's title and its two ways in: a member's API token as a bearer token (scripts), or the
/// session cookie a signed-in browser or a review link holds. Every operation needs one of them.
/// </summary>
public sealed class ApiSecurity : IOpenApiDocumentTransformer
{
    public const string Bearer = "bearer";
    public const string Session = "session";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info.Title = "GPU experiment dashboard";
        document.Info.Description = "Queue experiments, follow their runs and read their metrics. Send a member's API token " +
            "(made on /account) as 'Authorization: Bearer <token>'. 401 means no or a bad token, 403 a review link's read-only " +
            "session or a run it does not cover. A browser session's writes also need the header 'X-Requested-With' (any value) " +
            "or an antiforgery token, and a page of the dashboard's own origin: another site cannot act with the cookie. Bodies are " +
            "application/json (415 otherwise); 503 with Retry-After while the database is away. " +
            "Live updates: the SignalR hub /hubs/runs (token as access_token on its path).";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "dsh_…",
            Description = "A member's API token, made on /account (stored hashed, revocable). Reads and writes.",
        };
        document.Components.SecuritySchemes[Session] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = "dashboard_session",
            Description = "The session cookie of a signed-in member (reads and writes) or of a review-link visitor (reads what the link covers).",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = [] });
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Session, document)] = [] });
        return Task.CompletedTask;
    }
}
