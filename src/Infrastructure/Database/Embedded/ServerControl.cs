using System.Globalization;

namespace Dashboard.Infrastructure.Database.Embedded;

internal enum StartOutcome { Started, PortInUse }

/// <summary>Starts and stops the cluster's server with pg_ctl.</summary>
internal sealed class ServerControl(PostgresBinaries binaries, ClusterLayout layout, ClusterAccount account, Action<string> log)
{
    // The log is appended to across starts; past this size it is moved to postgres.log.1 first.
    const long MaxLogBytes = 16 * 1024 * 1024;

    public async Task<StartOutcome> StartAsync(TimeSpan timeout, CancellationToken ct)
    {
        RotateLog();
        if (!File.Exists(layout.LogFile))
        {
            await File.WriteAllTextAsync(layout.LogFile, "", ct);
            account.Own(layout.LogFile);
        }
        var logStart = new FileInfo(layout.LogFile).Length;

        // -w waits until the server accepts connections (or has failed); -l keeps its output in
        // the log, so that pg_ctl's own output pipes close when pg_ctl exits.
        var result = await OsCommand.RunAsync(account, binaries.PgCtl,
            ["start", "--pgdata", layout.ClusterDirectory, "--log", layout.LogFile, "--wait",
             "--timeout", ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture), "--silent"],
            timeout + TimeSpan.FromSeconds(10), ct);
        if (result.ExitCode == 0) return StartOutcome.Started;

        var serverLog = ReadLogFrom(logStart);
        if (serverLog.Contains("could not bind", StringComparison.Ordinal) || serverLog.Contains("Address already in use", StringComparison.Ordinal))
            return StartOutcome.PortInUse;
        throw new EmbeddedPostgresException(
            $"PostgreSQL did not start (pg_ctl exit {result.ExitCode}).{Environment.NewLine}{result.Output}" +
            $"Server log ({layout.LogFile}):{Environment.NewLine}{serverLog}");
    }

    /// <summary>Fast shutdown: open sessions are ended, committed data is flushed, nothing is lost.</summary>
    public async Task StopAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (PostmasterPidFile.TryRead(layout.PidFile) is null) return;
        log($"Stopping PostgreSQL in '{layout.ClusterDirectory}'.");
        var result = await OsCommand.RunAsync(account, binaries.PgCtl,
            ["stop", "--pgdata", layout.ClusterDirectory, "--mode", "fast", "--wait",
             "--timeout", ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture), "--silent"],
            timeout + TimeSpan.FromSeconds(10), ct);
        // pg_ctl also fails when the server was already gone (the pid file vanished meanwhile),
        // which is the outcome wanted.
        if (result.ExitCode != 0 && PostmasterPidFile.TryRead(layout.PidFile) is { } pid && pid.IsServerAlive())
            throw new EmbeddedPostgresException($"pg_ctl stop failed (exit {result.ExitCode}):{Environment.NewLine}{result.Output}");
    }

    void RotateLog()
    {
        var info = new FileInfo(layout.LogFile);
        if (info.Exists && info.Length > MaxLogBytes) File.Move(layout.LogFile, layout.LogFile + ".1", overwrite: true);
    }

    string ReadLogFrom(long offset)
    {
        try
        {
            using var stream = new FileStream(layout.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            return new StreamReader(stream).ReadToEnd();
        }
        catch (IOException e)
        {
            return $"(could not read the log: {e.Message})";
        }
    }
}
