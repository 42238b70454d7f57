using Dashboard.Web.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;

namespace Dashboard.Web.Actions;

/// <summary>
/// The handler-side check of the <see cref="AccessPolicies.Act"/> policy. Pages hide action controls with
/// AuthorizeView, but a hidden button is no protection: every handler that changes state asks again.
/// </summary>
public static class ActAuthorization
{
    public const string Refusal = "You can view this but not change it: sign in with a team account to act.";

    public static async Task<bool> CanActAsync(this IAuthorizationService authorization, Task<AuthenticationState>? state)
    {
        if (state is null) return false;
        var user = (await state).User;
        return (await authorization.AuthorizeAsync(user, AccessPolicies.Act)).Succeeded;
    }
}
