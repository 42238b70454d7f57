namespace Dashboard.Web.Access;

/// <summary>An action was attempted by someone who may not act (a review-link visitor, a signed-out or disabled member).</summary>
public sealed class ActionRefusedException(string message) : InvalidOperationException(message)
{
    public const string ReadOnly = "This session is read-only: only a signed-in team member can do this.";
    public const string AdminsOnly = "Only an admin can do this.";
}
