namespace Dashboard.Domain.Access;

/// <summary>A team member who signs in. Members are disabled, never deleted, so what they made keeps its author.</summary>
public sealed class User
{
    public long Id { get; set; }
    /// <summary>The sign-in name, normalised by <see cref="UserNames.Normalize"/> (lower case).</summary>
    public required string UserName { get; set; }
    public required string DisplayName { get; set; }
    /// <summary>ASP.NET Core's password hasher format (PBKDF2, salted, versioned); never the password.</summary>
    public required string PasswordHash { get; set; }
    public bool IsAdmin { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When an admin disabled the account; a disabled member can neither sign in nor use tokens or links made before.</summary>
    public DateTimeOffset? DisabledAt { get; set; }

    public bool IsDisabled => DisabledAt is not null;
}
