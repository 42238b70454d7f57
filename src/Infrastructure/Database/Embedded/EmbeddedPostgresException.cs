namespace Dashboard.Infrastructure.Database.Embedded;

/// <summary>The embedded cluster could not be initialised, started, reached or stopped.</summary>
public class EmbeddedPostgresException(string message, Exception? inner = null) : Exception(message, inner);
