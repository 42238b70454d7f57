using Dashboard.Domain;
using Dashboard.Domain.Access;
using Dashboard.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dashboard.Infrastructure.Access;

/// <summary>The team's accounts. Hashing passwords is the caller's (the web app has ASP.NET Core's hasher); this keeps rows.</summary>
public sealed class UserStore(IDbContextFactory<DashboardDbContext> db, TimeProvider clock)
{
    public const int MaxDisplayNameLength = 100;

    public async Task<bool> AnyAsync(CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.Users.AnyAsync(ct);
    }

    public async Task<User?> FindAsync(long id, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, ct);
    }

    public async Task<User?> FindByNameAsync(string? userName, CancellationToken ct = default)
    {
        var name = UserNames.Normalize(userName);
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == name, ct);
    }

    public async Task<IReadOnlyList<User>> ListAsync(CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
    }

    /// <summary>Adds a member; a taken name or a bad display name is an <see cref="InvalidInputException"/>.</summary>
    public async Task<User> AddAsync(string userName, string? displayName, string passwordHash, bool isAdmin, CancellationToken ct = default)
    {
        var user = NewUser(userName, displayName, passwordHash, isAdmin);
        await using var context = await db.CreateDbContextAsync(ct);
        context.Users.Add(user);
        try
        {
            await context.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new InvalidInputException("user_name", $"'{user.UserName}' is already taken.");
        }
        return user;
    }

    /// <summary>Adds the first member, only while there is none (under a table lock, so two starting processes add one). Null: there were members.</summary>
    public async Task<User?> AddFirstAsync(string userName, string? displayName, string passwordHash, CancellationToken ct = default)
    {
        var user = NewUser(userName, displayName, passwordHash, isAdmin: true);
        await using var context = await db.CreateDbContextAsync(ct);
        await using var tx = await context.Database.BeginTransactionAsync(ct);
        await context.Database.ExecuteSqlRawAsync("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE", ct);
        if (await context.Users.AnyAsync(ct)) return null;
        context.Users.Add(user);
        await context.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return user;
    }

    public async Task<bool> SetPasswordHashAsync(long id, string passwordHash, CancellationToken ct = default)
    {
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.Users.Where(u => u.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, passwordHash), ct) == 1;
    }

    public async Task<bool> SetDisabledAsync(long id, bool disabled, CancellationToken ct = default)
    {
        DateTimeOffset? at = disabled ? clock.GetUtcNow() : null;
        await using var context = await db.CreateDbContextAsync(ct);
        return await context.Users.Where(u => u.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.DisabledAt, at), ct) == 1;
    }

    private User NewUser(string userName, string? displayName, string passwordHash, bool isAdmin)
    {
        var name = UserNames.Validate(userName);
        var display = string.IsNullOrWhiteSpace(displayName) ? name : displayName.Trim();
        if (display.Length > MaxDisplayNameLength)
            throw new InvalidInputException("display_name", $"must be at most {MaxDisplayNameLength} characters.");
        return new User
        {
            UserName = name, DisplayName = display, PasswordHash = passwordHash, IsAdmin = isAdmin, CreatedAt = clock.GetUtcNow(),
        };
    }
}
