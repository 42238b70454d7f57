namespace Dashboard.Infrastructure.Database.Embedded;

/// <summary>No PostgreSQL server binaries on this machine (or not where the options say).</summary>
public sealed class PostgresBinariesNotFoundException(string message) : EmbeddedPostgresException(message);
