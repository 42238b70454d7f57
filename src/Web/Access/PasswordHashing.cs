using Dashboard.Domain.Access;
using Microsoft.AspNetCore.Identity;

namespace Dashboard.Web.Access;

/// <summary>
/// ASP.NET Core Identity's password hasher (Microsoft.Extensions.Identity.Core, part of the shared framework):
/// PBKDF2 with HMAC-SHA512, a random salt per password, its iteration count recorded in the hash.
/// </summary>
public sealed class PasswordHashing
{
    private readonly PasswordHasher<User> _hasher = new();
    // Checked against when the user name is unknown, so a wrong name takes as long as a wrong password.
    private readonly Lazy<string> _decoy;

    public PasswordHashing() => _decoy = new Lazy<string>(() => _hasher.HashPassword(null!, SecretToken.Create()));

    public enum Outcome { Wrong, Right, RightButOutdated }

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    /// <summary>Checks <paramref name="password"/> against <paramref name="user"/>'s hash (against a decoy when there is no user).</summary>
    public Outcome Verify(User? user, string password)
    {
        var result = _hasher.VerifyHashedPassword(user!, user?.PasswordHash ?? _decoy.Value, password);
        if (user is null) return Outcome.Wrong;
        return result switch
        {
            PasswordVerificationResult.Success => Outcome.Right,
            PasswordVerificationResult.SuccessRehashNeeded => Outcome.RightButOutdated,
            _ => Outcome.Wrong,
        };
    }
}
