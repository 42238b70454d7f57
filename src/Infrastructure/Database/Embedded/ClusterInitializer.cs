namespace Dashboard.Infrastructure.Database.Embedded;

/// <summary>Creates a new cluster with initdb, locked down to local connections that give the superuser's password.</summary>
internal static class ClusterInitializer
{
    /// <summary>
    /// Every connection proves the superuser's password (SCRAM-SHA-256): other local accounts — a user's
    /// command run, another user of a shared GPU machine — cannot connect, though the server listens on loopback.
    /// </summary>
    public const string HostBasedAuthentication = """
        # Written by the dashboard's embedded PostgreSQL. The server listens on 127.0.0.1 and on a socket in a
        # private folder only, and every connection must give the password kept in ../superuser.password.
        # TYPE  DATABASE     USER  ADDRESS        METHOD
        local   all          all                  scram-sha-256
        host    all          all   127.0.0.1/32   scram-sha-256
        host    all          all   ::1/128        scram-sha-256
        local   replication  all                  scram-sha-256
        host    replication  all   127.0.0.1/32   scram-sha-256

        """;

    public static async Task InitializeAsync(
        PostgresBinaries binaries, ClusterLayout layout, ClusterAccount account, EmbeddedPostgresOptions options,
        string password, Action<string> log, CancellationToken ct)
    {
        var pending = layout.PendingClusterDirectory;
        if (Directory.Exists(pending))
        {
            log($"Removing '{pending}', left by an initdb that did not finish.");
            Directory.Delete(pending, recursive: true);
        }

        var passwordFile = Path.Combine(layout.Root, "initdb.password");
        log($"Creating a PostgreSQL cluster in '{layout.ClusterDirectory}' with {binaries.InitDb}.");
        List<string> arguments =
        [
            "--pgdata", pending,
            "--username", options.SuperUser,
            "--encoding", "UTF8",
            // C collation: byte order, identical on every machine, and no dependency on the
            // locales installed in a slim container.
            "--locale", "C",
            "--auth", "scram-sha-256",
            "--pwfile", passwordFile,
            "--no-instructions",
        ];
        if (!options.Fsync) arguments.Add("--no-sync");

        CommandResult result;
        try
        {
            // initdb runs as the server's account: it gets a copy of the password for the moment it runs.
            ClusterPassword.WritePrivate(passwordFile, password);
            account.Own(passwordFile);
            result = await OsCommand.RunAsync(account, binaries.InitDb, arguments, options.StartTimeout, ct);
        }
        finally
        {
            File.Delete(passwordFile);
        }
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
