namespace Dashboard.Domain.Artifacts;

/// <summary>A file kept for a run (checkpoint, log, plot). The bytes live in the artifact store.</summary>
public sealed class Artifact
{
    public long Id { get; set; }
    public long RunId { get; set; }
    /// <summary>Relative name inside the run's folder, e.g. "checkpoints/step_100.safetensors".</summary>
    public required string Name { get; set; }
    public long SizeBytes { get; set; }
    /// <summary>Lower-case hex SHA-256 of the content.</summary>
    public required string Sha256 { get; set; }
    public string ContentType { get; set; } = "application/octet-stream";
    public DateTimeOffset CreatedAt { get; set; }
}
