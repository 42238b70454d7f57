using System.Net.Sockets;
using Npgsql;

namespace Dashboard.Worker.Hosting;

/// <summary>Which exceptions mean "the database is unreachable for now" (retry), as opposed to a bug or a refused statement.</summary>
public static class DatabaseFailures
{
    public static bool IsTransient(Exception e) => e switch
    {
        // A server shutting down answers 57P01 (admin_shutdown) and friends; a refused connection is a SocketException inside.
        PostgresException p => p.IsTransient || p.SqlState.StartsWith("57P", StringComparison.Ordinal) || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException => true,
        TimeoutException or IOException or SocketException => true,
        InvalidOperationException when e.InnerException is { } inner => IsTransient(inner),
        _ => false,
    };
}
