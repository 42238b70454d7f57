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
            : base.RedirectToLogin(context);

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context) =>
        AccessProblems.IsApi(context.Request)
            ? AccessProblems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, AccessProblems.ForbiddenDetail(context.HttpContext))
            : base.RedirectToAccessDenied(context);
}
