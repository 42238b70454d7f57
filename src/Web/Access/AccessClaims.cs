using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Dashboard.Domain.Access;

namespace Dashboard.Web.Access;

/// <summary>
/// What a signed-in principal carries. A session is either a member's (<see cref="MemberSession"/>) or a
/// review-link visitor's (<see cref="LinkSession"/>, see <see cref="ReviewSession"/>); only members may act.
/// </summary>
public static class AccessClaims
{
    public const string Session = "dashboard:session";
    public const string MemberSession = "member";
    public const string LinkSession = "review-link";
    public const string DisplayName = "dashboard:display_name";
    /// <summary>Changes when the password does, so changing it ends the member's other sessions.</summary>
    public const string Stamp = "dashboard:stamp";

    public static ClaimsPrincipal ForMember(User user, string authenticationType) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new Claim(ClaimTypes.Name, user.UserName),
        new Claim(DisplayName, user.DisplayName),
        new Claim(Session, MemberSession),
        new Claim(Stamp, StampOf(user)),
    ], authenticationType, ClaimTypes.Name, ClaimTypes.Role));

    public static bool IsMember(this ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true && principal.HasClaim(Session, MemberSession);

    /// <summary>The member's user id, or null for anyone else (anonymous, link visitors).</summary>
    public static long? MemberId(this ClaimsPrincipal principal) =>
        principal.IsMember() && long.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier),
            System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    public static string StampOf(User user) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(user.PasswordHash)))[..16];
}
