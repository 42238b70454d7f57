namespace Dashboard.Web.Access;

/// <summary>The member doing something, as the database has them now (use <see cref="UserName"/> as an owner, say).</summary>
public sealed record SignedInMember(long Id, string UserName, string DisplayName, bool IsAdmin);
