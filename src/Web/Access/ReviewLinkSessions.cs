using Dashboard.Infrastructure.Access;
using Microsoft.AspNetCore.Authentication;

namespace Dashboard.Web.Access;

/// <summary>Opening a review link: a valid one signs its visitor in as a link session (members keep theirs) and says where to go.</summary>
public sealed class ReviewLinkSessions(ReviewLinkStore links)
{
    /// <summary>The page the link shows, or null when the link is unknown, expired or revoked (the caller must not say which).</summary>
    public async Task<string?> OpenAsync(HttpContext http, string? secret)
    {
        var opened = await links.OpenAsync(secret, http.RequestAborted);
        if (opened is null) return null;
        var session = ReviewSession.Of(opened);
        if (!http.User.IsMember())
            await http.SignInAsync(AccessSchemes.Cookie, session.ToPrincipal(AccessSchemes.Cookie),
                new AuthenticationProperties { IsPersistent = true, AllowRefresh = true });
        return session.Target.Path;
    }
}
