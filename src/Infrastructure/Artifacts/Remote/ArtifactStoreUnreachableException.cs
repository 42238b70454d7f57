namespace Dashboard.Infrastructure.Artifacts.Remote;

/// <summary>The configured S3-compatible store does not answer as configured; the message says what to check.</summary>
public sealed class ArtifactStoreUnreachableException(string message, Exception inner) : InvalidOperationException(message, inner);
