using System.Diagnostics;
using Dashboard.Infrastructure.Database.Embedded;
using Npgsql;

namespace Dashboard.Testing;

/// <summary>
/// One throwaway PostgreSQL cluster per test process (started on first use, in a temp folder, fsync off),
/// and a fresh database per caller so test classes never see each other's rows. The cluster is stopped at
/// process exit; a watchdog shell stops it too if the test process is killed, so no server outlives the run.
/// </summary>
public static class PostgresServer
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static EmbeddedPostgres? _server;

    public static async Task<EmbeddedPostgres> InstanceAsync()
    {
        if (_server is not null) return _server;
        await Gate.WaitAsync();
        try
        {
            if (_server is not null) return _server;
            var folder = Path.Combine(Path.GetTempPath(), $"dashboard-tests-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
            var server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(folder)
            {
                Fsync = false,
                Settings = new Dictionary<string, string> { ["max_connections"] = "300" },
            });
            StartWatchdog(folder);
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            };
            return _server = server;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string? prefix = null)
    {
        var server = await InstanceAsync();
        var name = $"{Sanitize(prefix ?? "test")}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(server.ConnectionStringFor("postgres"));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return server.ConnectionStringFor(name);
    }

    private static string Sanitize(string prefix) =>
        new(prefix.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').Take(30).ToArray());

    private static void StartWatchdog(string folder)
    {
        // SIGQUIT is PostgreSQL's immediate shutdown; root may signal the server's account.
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; " +
                     $"pid=$(head -1 '{folder}/pgdata/postmaster.pid' 2>/dev/null) && kill -QUIT \"$pid\" 2>/dev/null; " +
                     $"sleep 2; rm -rf '{folder}'";
        var start = new ProcessStartInfo("setsid", ["sh", "-c", script])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var watchdog = Process.Start(start);
    }
}
