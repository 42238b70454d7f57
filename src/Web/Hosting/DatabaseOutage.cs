using System.Net.Sockets;
using Npgsql;

namespace Dashboard.Web.Hosting;

/// <summary>
/// Recognises a failure that means PostgreSQL is away for now (refused or dropped connections, a server
/// shutting down or starting, a full connection pool), as opposed to a fault of the request or of ours. Such
/// requests are answered 503 with Retry-After; the connection pool reconnects by itself once the server is back.
/// </summary>
public static class DatabaseOutage
{
    /// <summary>Seconds a client is told to wait before trying again.</summary>
    public const int RetryAfterSeconds = 5;

    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    // 08: connection exception; 57P01-57P03: shutting down or starting; 53300: too many connections.
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                           || postgres.SqlState is "57P01" or "57P02" or "57P03" or "53300";
                case NpgsqlException { IsTransient: true }:
                case SocketException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(Is):
                    return true;
            }
        }
        return false;
    }
}
