using System.Security.Claims;
using Dashboard.Infrastructure.Access;

namespace Dashboard.Web.Access;

/// <summary>
/// Whether a session is still good: the member exists, is not disabled and has not changed password since;
/// or the review link is still valid. Asked on every request and, in circuits, every few seconds.
/// </summary>
public sealed class AccessValidation(UserStore users, ReviewLinkStore links)
{
    public async Task<bool> IsStillValidAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        if (principal.MemberId() is { } id)
        {
            var user = await users.FindAsync(id, ct);
            return user is { IsDisabled: false } && AccessClaims.StampOf(user) == principal.FindFirst(AccessClaims.Stamp)?.Value;
        }
        if (ReviewSession.Of(principal) is { } session) return await links.IsValidAsync(session.LinkId, ct);
        return false;
    }
}
