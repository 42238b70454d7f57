namespace Dashboard.Domain.Access;

/// <summary>A member's secret for scripts (<c>Authorization: Bearer …</c>). Acts as that member; shown once, stored hashed.</summary>
public sealed class ApiToken
{
    public const string Prefix = "dsh_";

    public long Id { get; set; }
    public long UserId { get; set; }
    /// <summary>What the member called it ("laptop", "ci").</summary>
    public required string Name { get; set; }
    /// <summary>SHA-256 of the token text (<see cref="SecretToken.Hash"/>).</summary>
    public required byte[] TokenHash { get; set; }
    /// <summary>The first characters of the token, so its owner can tell tokens apart in a list.</summary>
    public required string Hint { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
