using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Dashboard.Web.Access;

/// <summary>
/// The circuit's authentication state, re-checked every few seconds and at once when this process revokes
/// access (<see cref="AccessChanges"/>): a revoked link or disabled member loses the open page, not only the next one.
/// </summary>
public sealed class AccessRevalidation : RevalidatingServerAuthenticationStateProvider
{
    private static readonly AuthenticationState Anonymous = new(new ClaimsPrincipal(new ClaimsIdentity()));
    private readonly AccessValidation _validation;
    private readonly AccessChanges _changes;

    public AccessRevalidation(ILoggerFactory loggerFactory, AccessValidation validation, AccessChanges changes) : base(loggerFactory)
    {
        _validation = validation;
        _changes = changes;
        _changes.Revoked += OnRevoked;
    }

    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(5);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        _validation.IsStillValidAsync(authenticationState.User, cancellationToken);

    private void OnRevoked() => _ = RecheckAsync();

    private async Task RecheckAsync()
    {
        try
        {
            var state = await GetAuthenticationStateAsync();
            if (state.User.Identity?.IsAuthenticated == true && !await _validation.IsStillValidAsync(state.User))
                SetAuthenticationState(Task.FromResult(Anonymous));
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException or Npgsql.NpgsqlException)
        {
            // The circuit closed meanwhile, or the database is away: the periodic check tries again.
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _changes.Revoked -= OnRevoked;
        base.Dispose(disposing);
    }
}
