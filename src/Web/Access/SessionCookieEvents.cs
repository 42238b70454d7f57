using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Dashboard.Web.Access;

/// <summary>
/// The session cookie's checks and answers: every request re-checks the session (a revoked link or a
/// disabled member is out at once); API callers get 401/403 problem details, page visitors are redirected
/// to /signin?returnUrl=… or /access-denied.
/// </summary>
public sealed class SessionCookieEvents(AccessValidation validation) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        if (context.Principal is { } principal && await validation.IsStillValidAsync(principal, context.HttpContext.RequestAborted)) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(AccessSchemes.Cookie);
    }

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context) =>
        AccessProblems.IsApi(context.Request)
            ? AccessProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, AccessProblems.SignInRequired)
            : base.RedirectToLogin(WithoutToken(context));

    /// <summary>A token in a page's address (access_token) never goes into the sign-in redirect's returnUrl.</summary>
    private static RedirectContext<CookieAuthenticationOptions> WithoutToken(RedirectContext<CookieAuthenticationOptions> context)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(context.Request.QueryString.Value);
        if (!query.Remove(ApiTokenAuthentication.QueryParameter)) return context;
        var returnUrl = context.Request.PathBase + context.Request.Path + QueryString.Create(query);
        context.RedirectUri = context.Options.LoginPath + QueryString.Create(context.Options.ReturnUrlParameter, returnUrl);
        return context;
    }

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context) =>
        AccessProblems.IsApi(context.Request)
            ? AccessProblems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, AccessProblems.ForbiddenDetail(context.HttpContext))
            : base.RedirectToAccessDenied(context);
}
