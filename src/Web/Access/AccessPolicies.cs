namespace Dashboard.Web.Access;

/// <summary>
/// The two kinds of access the dashboard knows. Pages need <see cref="View"/>; anything that changes
/// state (queue, cancel, re-run, tag, delete, make links) needs <see cref="Act"/>. A review-link visitor
/// can view what the link covers and never act.
/// </summary>
public static class AccessPolicies
{
    public const string View = "view";
    public const string Act = "act";
}
