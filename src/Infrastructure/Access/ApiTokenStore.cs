using Dashboard.Domain;
using Dashboard.Domain.Access;
using Dashboard.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Infrastructure.Access;

/// <summary>Members' API tokens: made (the secret returned once), looked up by hash, revoked.</summary>
public sealed class ApiTokenStore(IDbContextFactory<DashboardDbContext> db, TimeProvider clock)
{
    public const int MaxNameLength = 100;
    // Recording every use would write on every API call; a minute's precision is enough for "last used".
    private static readonly TimeSpan UsePrecision = TimeSpan.FromMinutes(1);

    /// <summary>A new token for <paramref name="userId"/>. The returned secret is not stored anywhere: show it once.</summary>
    public async Task<(ApiToken Token, string Secret)> CreateAsync(long userId, string? name, CancellationToken ct = default)
    {
        var label = (name ?? "").Trim();
        if (label.Length == 0) throw new InvalidInputException("name", "is required (what the token is for, e.g. \"laptop\").");
        if (label.Length > MaxNameLength) throw new InvalidInputException("name", $"must be at most {MaxNameLength} characters.");
        var secret = SecretToken.Create(ApiToken.Prefix);
        var token = new ApiToken
        {
            UserId = userId, Name = label, TokenHash = SecretToken.Hash(secret), Hint = secret[..(ApiToken.Prefix.Length + 4)],
            CreatedAt = clock.GetUtcNow(),
        };
        await using var context = await db.CreateDbContextAsync(ct);
        context.ApiTokens.Add(token);
        await context.SaveChangesAsync(ct);
        return (token, secret);
    }

    /// <summary>The member a presented token acts for, or null when it is malformed, unknown, revoked, or its member is disabled.</summary>
    public async Task<User?> AuthenticateAsync(string? secret, CancellationToken ct = default)
    {
        if (!SecretToken.IsWellFormed(secret, ApiToken.Prefix)) return null;
        var hash = SecretToken.Hash(secret!);
        await using var context = await db.CreateDbContextAsync(ct);
        var found = await context.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.RevokedAt == null)
            .Join(context.Users, t => t.UserId, u => u.Id, (t, u) => new { Token = t, User = u })
            .SingleOrDefaultAsync(ct);
        // The index found the row by hash; compare again in constant time so no code path compares secrets early-out.
        if (found is null || !SecretToken.Matches(secret!, found.Token.TokenHash) || found.User.IsDisabled) return null;
        var now = clock.GetUtcNow();
        if (found.Token.LastUsedAt is not { } used || now - used > UsePrecision)
            await context.ApiTokens.Where(t => t.Id == found.Token.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        return found.User;
    }

    public async Task<IReadOnlyList<ApiToken>> ListAsync(long userId, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.ApiTokens.AsNoTracking().Where(t => t.UserId == userId)
            .OrderBy(t => t.RevokedAt != null).ThenByDescending(t => t.CreatedAt).ToListAsync(ct);
    }

    /// <summary>Revokes one of <paramref name="userId"/>'s tokens; false when it is not theirs or already revoked.</summary>
    public async Task<bool> RevokeAsync(long userId, long tokenId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.ApiTokens.Where(t => t.Id == tokenId && t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct) == 1;
    }
}
