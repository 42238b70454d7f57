using Dashboard.Domain.Access;
using Dashboard.Infrastructure.Access;
using Microsoft.AspNetCore.Authentication;

namespace Dashboard.Web.Access;

/// <summary>Checks a member's user name and password (throttled) and, when right, starts their cookie session.</summary>
public sealed class MemberSignIn(UserStore users, PasswordHashing passwords, SignInThrottle throttle)
{
    public enum Result { SignedIn, Wrong, Disabled, Throttled }

    public sealed record Outcome(Result Result, TimeSpan RetryAfter = default);

    public async Task<Outcome> SignInAsync(HttpContext http, string? userName, string? password)
    {
        var name = UserNames.Normalize(userName);
        var client = http.Connection.RemoteIpAddress?.ToString() ?? "local";
        if (!throttle.TryAttempt(client, name, out var retryAfter)) return new Outcome(Result.Throttled, retryAfter);

        var user = name.Length == 0 ? null : await users.FindByNameAsync(name, http.RequestAborted);
        var check = passwords.Verify(user, password ?? "");
        if (user is null || check == PasswordHashing.Outcome.Wrong) return new Outcome(Result.Wrong);
        // Only someone who knows the password learns that the account is disabled.
        if (user.IsDisabled) return new Outcome(Result.Disabled);
        if (check == PasswordHashing.Outcome.RightButOutdated)
        {
            user.PasswordHash = passwords.Hash(password!);
            await users.SetPasswordHashAsync(user.Id, user.PasswordHash, http.RequestAborted);
        }
        await http.SignInAsync(AccessSchemes.Cookie, AccessClaims.ForMember(user, AccessSchemes.Cookie),
            new AuthenticationProperties { IsPersistent = true, AllowRefresh = true });
        return new Outcome(Result.SignedIn);
    }
}
