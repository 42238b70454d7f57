namespace Dashboard.Infrastructure.Database.Embedded;

/// <summary>Creates a new cluster with initdb, locked down to local connections.</summary>
internal static class ClusterInitializer
{
    // Trust is safe only because the server never listens beyond loopback and the socket folder
    // is private to the server's account; these lines say so explicitly rather than relying on
    // initdb's defaults.
    const string HostBasedAuthentication = """
        # Written by the dashboard's embedded PostgreSQL. The server listens on 127.0.0.1 and on a
        # socket in a private folder only, so local users are trusted without a password.
        # TYPE  DATABASE     USER  ADDRESS        METHOD
        local   all          all                  trust
        host    all          all   127.0.0.1/32   trust
        host    all          all   ::1/128        trust
        local   replication  all                  trust
        host    replication  all   127.0.0.1/32   trust

        """;

    public static async Task InitializeAsync(
        PostgresBinaries binaries, ClusterLayout layout, ClusterAccount account, EmbeddedPostgresOptions options,
        Action<string> log, CancellationToken ct)
    {
        var pending = layout.PendingClusterDirectory;
        if (Directory.Exists(pending))
        {
            log($"Removing '{pending}', left by an initdb that did not finish.");
            Directory.Delete(pending, recursive: true);
        }

        log($"Creating a PostgreSQL cluster in '{layout.ClusterDirectory}' with {binaries.InitDb}.");
        List<string> arguments =
        [
            "--pgdata", pending,
            "--username", options.SuperUser,
            "--encoding", "UTF8",
            // C collation: byte order, identical on every machine, and no dependency on the
            // locales installed in a slim container.
            "--locale", "C",
            "--auth", "trust",
            "--no-instructions",
        ];
        if (!options.Fsync) arguments.Add("--no-sync");

        var result = await OsCommand.RunAsync(account, binaries.InitDb, arguments, options.StartTimeout, ct);
        if (result.ExitCode != 0)
            throw new EmbeddedPostgresException($"initdb failed (exit {result.ExitCode}):{Environment.NewLine}{result.Output}");

        var hba = Path.Combine(pending, "pg_hba.conf");
        await File.WriteAllTextAsync(hba, HostBasedAuthentication, ct);
        account.Own(hba);
        // Settings that change per start (port, socket folder) live in a file of their own,
        // rewritten at each start; the include comes last so it wins over initdb's defaults,
        // while ALTER SYSTEM (postgresql.auto.conf, read after) can still tune the server.
        await File.AppendAllTextAsync(Path.Combine(pending, "postgresql.conf"),
            $"{Environment.NewLine}# Added by the dashboard's embedded PostgreSQL.{Environment.NewLine}" +
            $"include_if_exists = '{ClusterLayout.SettingsFileName}'{Environment.NewLine}", ct);

        Directory.Move(pending, layout.ClusterDirectory);
    }
}
