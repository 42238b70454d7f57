using Dashboard.Domain;
using Dashboard.Domain.Access;
using Dashboard.Infrastructure.Database;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Infrastructure.Access;

/// <summary>
/// Review links: made for a target that exists, opened by their secret (counted), checked while a visitor
/// browses, listed, revoked. A link is valid while it is neither revoked nor expired and its maker is not disabled.
/// </summary>
public sealed class ReviewLinkStore(IDbContextFactory<DashboardDbContext> db, TimeProvider clock)
{
    /// <summary>A new link; the returned secret (the address's last part) is stored only as its hash: show it once.</summary>
    public async Task<(ReviewLink Link, string Secret)> CreateAsync(ReviewTarget target, string? label, DateTimeOffset? expiresAt,
        long createdBy, CancellationToken ct = default)
    {
        var text = (label ?? "").Trim();
        if (text.Length > ReviewLink.MaxLabelLength)
            throw new InvalidInputException("label", $"must be at most {ReviewLink.MaxLabelLength} characters.");
        var now = clock.GetUtcNow();
        if (expiresAt is { } e && e <= now) throw new InvalidInputException("expires_at", "must be in the future.");
        await using var context = await db.CreateDbContextAsync(ct);
        await RequireTargetExistsAsync(context, target, ct);
        var secret = SecretToken.Create();
        var link = new ReviewLink
        {
            TokenHash = SecretToken.Hash(secret), Kind = target.Kind, Target = target.Target, Label = text,
            CreatedBy = createdBy, CreatedAt = now, ExpiresAt = expiresAt,
        };
        context.ReviewLinks.Add(link);
        await context.SaveChangesAsync(ct);
        return (link, secret);
    }

    /// <summary>The link a visitor's secret opens, counting the visit; null when unknown, expired, revoked or its maker disabled.</summary>
    public async Task<ReviewLinkListing?> OpenAsync(string? secret, CancellationToken ct = default)
    {
        if (!SecretToken.IsWellFormed(secret)) return null;
        var hash = SecretToken.Hash(secret!);
        var now = clock.GetUtcNow();
        await using var context = await db.CreateDbContextAsync(ct);
        var found = await Valid(context, now, l => l.TokenHash == hash).SingleOrDefaultAsync(ct);
        if (found is null || !SecretToken.Matches(secret!, found.Link.TokenHash)) return null;
        await context.ReviewLinks.Where(l => l.Id == found.Link.Id).ExecuteUpdateAsync(s => s
            .SetProperty(l => l.OpenCount, l => l.OpenCount + 1)
            .SetProperty(l => l.LastOpenedAt, now), ct);
        found.Link.OpenCount++;
        found.Link.LastOpenedAt = now;
        return found;
    }

    /// <summary>
    /// The link a secret sent as a bearer token stands for (a page of a reviewer's own that reads the API or the hub),
    /// without counting it as an opening; null when unknown, expired, revoked or its maker disabled.
    /// </summary>
    public async Task<ReviewLinkListing?> AuthenticateAsync(string? secret, CancellationToken ct = default)
    {
        if (!SecretToken.IsWellFormed(secret)) return null;
        var hash = SecretToken.Hash(secret!);
        await using var context = await db.CreateDbContextAsync(ct);
        var found = await Valid(context, clock.GetUtcNow(), l => l.TokenHash == hash).SingleOrDefaultAsync(ct);
        return found is not null && SecretToken.Matches(secret!, found.Link.TokenHash) ? found : null;
    }

    /// <summary>Whether a link (by id, from a visitor's session) still lets its visitor in.</summary>
    public async Task<bool> IsValidAsync(long id, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        return await Valid(context, clock.GetUtcNow(), l => l.Id == id).AnyAsync(ct);
    }

    public async Task<ReviewLink?> FindAsync(long id, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.ReviewLinks.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, ct);
    }

    /// <summary>Every link, newest first, revoked and expired ones included (the list says which).</summary>
    public async Task<IReadOnlyList<ReviewLinkListing>> ListAsync(CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        var rows = await context.ReviewLinks.AsNoTracking()
            .Join(context.Users, l => l.CreatedBy, u => u.Id, (l, u) => new { Link = l, u.DisplayName })
            .OrderByDescending(x => x.Link.CreatedAt).ThenByDescending(x => x.Link.Id)
            .ToListAsync(ct);
        return rows.Select(r => new ReviewLinkListing(r.Link, r.DisplayName)).ToList();
    }

    /// <summary>Revokes a link at once; false when it does not exist or was revoked before.</summary>
    public async Task<bool> RevokeAsync(long id, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.ReviewLinks.Where(l => l.Id == id && l.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.RevokedAt, now), ct) == 1;
    }

    private static IQueryable<ReviewLinkListing> Valid(DashboardDbContext context, DateTimeOffset now,
        Expression<Func<ReviewLink, bool>> which) =>
        context.ReviewLinks.AsNoTracking().Where(which)
            .Where(l => l.RevokedAt == null && (l.ExpiresAt == null || l.ExpiresAt > now))
            .Join(context.Users.Where(u => u.DisabledAt == null), l => l.CreatedBy, u => u.Id, (l, u) => new ReviewLinkListing(l, u.DisplayName));

    private static async Task RequireTargetExistsAsync(DashboardDbContext context, ReviewTarget target, CancellationToken ct)
    {
        if (target.Kind == ReviewTargetKind.Experiment)
        {
            if (!await context.Experiments.AnyAsync(e => e.Id == target.Ids[0], ct))
                throw new InvalidInputException("target", $"experiment {target.Ids[0]} does not exist.");
            return;
        }
        var ids = target.Ids.ToList();
        var existing = await context.Runs.Where(r => ids.Contains(r.Id)).Select(r => r.Id).ToListAsync(ct);
        var missing = ids.Except(existing).ToList();
        if (missing.Count > 0)
            throw new InvalidInputException("target", $"run{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} do{(missing.Count > 1 ? "" : "es")} not exist.");
    }
}
