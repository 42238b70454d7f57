namespace Dashboard.Domain.Access;

/// <summary>
/// A read-only link a member made for a run, an experiment or a comparison. The link's secret is in its
/// address only; the database keeps its SHA-256. Valid until it expires or is revoked, or its maker is disabled.
/// </summary>
public sealed class ReviewLink
{
    public const int MaxLabelLength = 200;

    public long Id { get; set; }
    public required byte[] TokenHash { get; set; }
    public ReviewTargetKind Kind { get; set; }
    /// <summary>"12" or "3,7,12" (<see cref="ReviewTarget.Target"/>).</summary>
    public required string Target { get; set; }
    public string Label { get; set; } = "";
    public long CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastOpenedAt { get; set; }
    public int OpenCount { get; set; }

    public ReviewTarget ParsedTarget => ReviewTarget.Parse(Kind, Target);

    /// <summary>Expiry and revocation only; the maker's account is checked where users are at hand.</summary>
    public bool IsOpenAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
