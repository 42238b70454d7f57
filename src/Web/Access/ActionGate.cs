using Dashboard.Infrastructure.Access;
using Microsoft.AspNetCore.Components.Authorization;

namespace Dashboard.Web.Access;

/// <summary>
/// The check an event handler makes before it changes anything (hiding a button is not enough: a circuit can
/// send any event). Asks the database, not just the session, so a member disabled a second ago is refused:
/// <code>
/// @inject ActionGate Gate
/// private async Task CancelAsync() { var member = await Gate.EnsureCanActAsync(); … }
/// </code>
/// </summary>
public sealed class ActionGate(AuthenticationStateProvider authentication, UserStore users)
{
    /// <summary>The member who may act now, or null (review-link visitor, anonymous, disabled, stale session).</summary>
    public async Task<SignedInMember?> CurrentMemberAsync(CancellationToken ct = default)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        if (state.User.MemberId() is not { } id) return null;
        var user = await users.FindAsync(id, ct);
        if (user is null || user.IsDisabled || AccessClaims.StampOf(user) != state.User.FindFirst(AccessClaims.Stamp)?.Value) return null;
        return new SignedInMember(user.Id, user.UserName, user.DisplayName, user.IsAdmin);
    }

    public async Task<bool> CanActAsync(CancellationToken ct = default) => await CurrentMemberAsync(ct) is not null;

    /// <summary>The acting member; throws <see cref="ActionRefusedException"/> (its message is fit to show) when the session may not act.</summary>
    public async Task<SignedInMember> EnsureCanActAsync(CancellationToken ct = default) =>
        await CurrentMemberAsync(ct) ?? throw new ActionRefusedException(ActionRefusedException.ReadOnly);

    public async Task<SignedInMember> EnsureAdminAsync(CancellationToken ct = default)
    {
        var member = await EnsureCanActAsync(ct);
        return member.IsAdmin ? member : throw new ActionRefusedException(ActionRefusedException.AdminsOnly);
    }
}
