namespace Dashboard.Web.Access;

/// <summary>
/// Tells this process's open circuits that some access was taken away (a link revoked, a member disabled,
/// a password changed), so each re-checks its own session at once instead of at its next periodic check.
/// </summary>
public sealed class AccessChanges
{
    public event Action? Revoked;

    public void Announce() => Revoked?.Invoke();
}
