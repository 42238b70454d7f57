namespace Dashboard.Web.Access;

/// <summary>
/// Authentication schemes. <see cref="Default"/> picks per request: an <c>Authorization: Bearer</c> header
/// means an API token, anything else the session cookie (a member's or a review-link visitor's).
/// </summary>
public static class AccessSchemes
{
    public const string Default = "dashboard";
    public const string Cookie = "dashboard-session";
    public const string ApiToken = "api-token";
}
