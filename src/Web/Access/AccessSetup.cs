using Dashboard.Infrastructure.Access;
using Dashboard.Web.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;

namespace Dashboard.Web.Access;

/// <summary>Sign-in, sessions, API tokens, review links and the two access policies, wired into the app.</summary>
public static class AccessSetup
{
    public static IServiceCollection AddDashboardAccess(this IServiceCollection services, AccessOptions access, DashboardOptions options)
    {
        services.AddSingleton(access);
        services.AddSingleton<UserStore>();
        services.AddSingleton<ApiTokenStore>();
        services.AddSingleton<ReviewLinkStore>();
        services.AddSingleton<PasswordHashing>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<AccessValidation>();
        services.AddSingleton<AccessChanges>();
        services.AddSingleton<MemberSignIn>();
        services.AddSingleton<ReviewLinkSessions>();
        services.AddScoped<SessionCookieEvents>();
        services.AddScoped<ActionGate>();
        services.AddScoped<AuthenticationStateProvider, AccessRevalidation>();

        // Keys that encrypt the session cookies: kept on disk so sessions survive restarts (not in the database,
        // so that reading the database is not enough to forge a session).
        var keys = access.KeysDirectory is { Length: > 0 } k ? k : Path.Combine(options.DataDirectory, "keys");
        if (!OperatingSystem.IsWindows() && !Directory.Exists(keys))
            Directory.CreateDirectory(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        services.AddDataProtection().SetApplicationName("gpu-dashboard").PersistKeysToFileSystem(new DirectoryInfo(keys));

        services.AddAuthentication(AccessSchemes.Default)
            .AddPolicyScheme(AccessSchemes.Default, "Session cookie or API token", policy =>
                policy.ForwardDefaultSelector = http => ApiTokenAuthentication.HasBearer(http.Request) ? AccessSchemes.ApiToken : AccessSchemes.Cookie)
            .AddCookie(AccessSchemes.Cookie, cookie =>
            {
                cookie.Cookie.Name = "dashboard_session";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = access.SessionLifetime;
                cookie.SlidingExpiration = true;
                cookie.LoginPath = "/signin";
                cookie.AccessDeniedPath = "/access-denied";
                cookie.ReturnUrlParameter = "returnUrl";
                cookie.EventsType = typeof(SessionCookieEvents);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(AccessSchemes.ApiToken, null);

        services.AddSingleton<IAuthorizationHandler, ViewAccessHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(AccessPolicies.View, policy => policy.AddRequirements(new ViewRequirement()))
            .AddPolicy(AccessPolicies.Act, policy => policy.RequireAuthenticatedUser()
                .RequireClaim(AccessClaims.Session, AccessClaims.MemberSession));
        return services;
    }

    /// <summary>
    /// Every endpoint of the group needs <see cref="AccessPolicies.View"/> when it only reads (GET, HEAD) and
    /// <see cref="AccessPolicies.Act"/> otherwise, unless it states its own authorization.
    /// </summary>
    public static TBuilder RequireAccessByMethod<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            if (endpoint.Metadata.Any(m => m is IAuthorizeData or IAllowAnonymous)) return;
            var methods = endpoint.Metadata.OfType<IHttpMethodMetadata>().SelectMany(m => m.HttpMethods).ToList();
            var readOnly = methods.Count > 0 && methods.All(m => HttpMethods.IsGet(m) || HttpMethods.IsHead(m));
            endpoint.Metadata.Add(new AuthorizeAttribute(readOnly ? AccessPolicies.View : AccessPolicies.Act));
        });
        return builder;
    }

    /// <summary>POST /signout (antiforgery-checked): ends the session, member or review link, and goes to the sign-in page.</summary>
    public static void MapAccessEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/signout", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
                return Results.Problem(statusCode: 400, title: "Bad request",
                    detail: "The sign-out form was stale or not from this site; reload the page and sign out again.");
            await http.SignOutAsync(AccessSchemes.Cookie);
            return Results.Redirect("/signin?notice=signed-out");
        }).ExcludeFromDescription();
    }
}
