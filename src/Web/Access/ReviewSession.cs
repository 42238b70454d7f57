using System.Globalization;
using System.Security.Claims;
using Dashboard.Domain.Access;
using Dashboard.Infrastructure.Access;

namespace Dashboard.Web.Access;

/// <summary>
/// A visitor who opened a review link: which link, what it shows, and what the banner says. Kept as claims
/// in the session cookie; the link itself is re-checked on every request and in open circuits.
/// </summary>
public sealed record ReviewSession(long LinkId, ReviewTarget Target, string Label, string MadeBy, DateTimeOffset? ExpiresAt)
{
    private const string LinkId_ = "dashboard:link_id";
    private const string Kind_ = "dashboard:link_kind";
    private const string Target_ = "dashboard:link_target";
    private const string Label_ = "dashboard:link_label";
    private const string MadeBy_ = "dashboard:link_made_by";
    private const string Expires_ = "dashboard:link_expires";

    public static ReviewSession Of(ReviewLinkListing opened) => new(opened.Link.Id, opened.Link.ParsedTarget, opened.Link.Label,
        opened.MadeBy, opened.Link.ExpiresAt);

    public ClaimsPrincipal ToPrincipal(string authenticationType)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, $"review-link-{LinkId.ToString(CultureInfo.InvariantCulture)}"),
            new(AccessClaims.Session, AccessClaims.LinkSession),
            new(LinkId_, LinkId.ToString(CultureInfo.InvariantCulture)),
            new(Kind_, Target.Kind.ToString()),
            new(Target_, Target.Target),
            new(Label_, Label),
            new(MadeBy_, MadeBy),
        };
        if (ExpiresAt is { } e) claims.Add(new Claim(Expires_, e.ToString("O", CultureInfo.InvariantCulture)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The link session a principal holds, or null (anonymous, member, or claims that do not parse).</summary>
    public static ReviewSession? Of(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true || !principal.HasClaim(AccessClaims.Session, AccessClaims.LinkSession)) return null;
        if (!long.TryParse(principal.FindFirstValue(LinkId_), NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return null;
        if (!Enum.TryParse<ReviewTargetKind>(principal.FindFirstValue(Kind_), out var kind)) return null;
        ReviewTarget target;
        try
        {
            target = ReviewTarget.Parse(kind, principal.FindFirstValue(Target_));
        }
        catch (Dashboard.Domain.InvalidInputException)
        {
            return null;
        }
        DateTimeOffset? expires = DateTimeOffset.TryParse(principal.FindFirstValue(Expires_), CultureInfo.InvariantCulture,
            DateTimeStyles.RoundtripKind, out var e) ? e : null;
        return new ReviewSession(id, target, principal.FindFirstValue(Label_) ?? "", principal.FindFirstValue(MadeBy_) ?? "", expires);
    }
}
