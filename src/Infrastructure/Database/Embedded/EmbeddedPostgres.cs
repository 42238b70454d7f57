using Npgsql;

namespace Dashboard.Infrastructure.Database.Embedded;

/// <summary>
/// A PostgreSQL cluster of our own, run from the machine's server binaries, for when no server is configured.
/// Data lives under <see cref="EmbeddedPostgresOptions.DataDirectory"/> and survives restarts; the server
/// listens on 127.0.0.1 (a free port) and a private unix socket only, and asks every connection for the
/// superuser's generated password (SCRAM-SHA-256; kept in a file only this process's account can read); when
/// this process is root the server runs as an unprivileged account. Disposing stops it cleanly (fast shutdown: committed data is kept).
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private readonly ServerControl _control;
    private readonly EmbeddedPostgresOptions _options;
    private bool _stopped;

    private EmbeddedPostgres(ServerControl control, EmbeddedPostgresOptions options, int port, string password)
    {
        _control = control;
        _options = options;
        _password = password;
        Port = port;
        ConnectionString = ConnectionStringFor(port, options.SuperUser, options.DatabaseName, password);
    }

    private readonly string _password;

    public int Port { get; }
    public string ConnectionString { get; }
    public string ServerVersion { get; private set; } = "";

    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, Action<string>? log = null,
        CancellationToken ct = default)
    {
        log ??= _ => { };
        var layout = new ClusterLayout(Path.GetFullPath(options.DataDirectory));
        var binaries = PostgresBinaries.Locate(options.BinDirectory);
        var account = await ClusterAccount.ResolveAsync(options.OsUser, ct);
        Directory.CreateDirectory(layout.Root);
        // One starter at a time per data folder: two processes must not both initdb or both start it.
        using var startLock = await StartLock.AcquireAsync(layout.LockFile, options.StartTimeout, ct);
        account.Own(layout.Root);
        await account.EnsureCanReachAsync(layout.Root, options.StartTimeout, ct);
        Directory.CreateDirectory(layout.SocketDirectory);
        account.Own(layout.SocketDirectory);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(layout.SocketDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var password = ClusterPassword.Read(layout);
        if (!layout.IsInitialized)
        {
            password ??= ClusterPassword.Create(layout);
            await ClusterInitializer.InitializeAsync(binaries, layout, account, options, password, log, ct);
        }

        var control = new ServerControl(binaries, layout, account, log);
        int port;
        if (PostmasterPidFile.TryRead(layout.PidFile) is { Port: { } livePort } running && running.IsServerAlive())
        {
            // Left running by a process that did not stop it (killed). Adopt it rather than fail.
            log($"PostgreSQL is already running on port {livePort} for '{layout.ClusterDirectory}'; using it.");
            port = livePort;
        }
        else
        {
            port = await StartOnFreePortAsync(control, layout, account, options, log, ct);
        }

        try
        {
            password = await ClusterAuthentication.EnsurePasswordRequiredAsync(layout, account, port, options.SuperUser, password, log, ct);
        }
        catch
        {
            await control.StopAsync(options.StartTimeout, CancellationToken.None);
            throw;
        }
        var server = new EmbeddedPostgres(control, options, port, password);
        try
        {
            await server.CreateDatabaseIfMissingAsync(ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Whether a server runs on the cluster under <paramref name="dataDirectory"/> (the folder given as the options' DataDirectory).</summary>
    public static bool IsRunning(string dataDirectory) =>
        PostmasterPidFile.TryRead(new ClusterLayout(Path.GetFullPath(dataDirectory)).PidFile) is { } pid && pid.IsServerAlive();

    /// <summary>A connection string to another database of this cluster.</summary>
    public string ConnectionStringFor(string database) => ConnectionStringFor(Port, _options.SuperUser, database, _password);

    internal static string ConnectionStringFor(int port, string user, string database, string? password) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = user,
        Database = database,
        // The superuser's generated password (see ClusterPassword); pg_hba.conf asks every connection for it.
        Password = password,
    }.ConnectionString;

    private static async Task<int> StartOnFreePortAsync(ServerControl control, ClusterLayout layout, ClusterAccount account,
        EmbeddedPostgresOptions options, Action<string> log, CancellationToken ct)
    {
        // A port picked free can be taken before the server binds it; then pick another.
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port ?? LoopbackPort.PickFree();
            await ServerSettings.WriteAsync(layout, account, port, options, ct);
            log($"Starting PostgreSQL for '{layout.ClusterDirectory}' on 127.0.0.1:{port}.");
            var outcome = await control.StartAsync(options.StartTimeout, ct);
            if (outcome == StartOutcome.Started) return port;
            if (options.Port is not null || attempt >= 5)
                throw new EmbeddedPostgresException($"PostgreSQL could not bind 127.0.0.1:{port}: the port is in use.");
        }
    }

    private async Task CreateDatabaseIfMissingAsync(CancellationToken ct)
    {
        // Unpooled: this one connection to the maintenance database must not linger.
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres") + ";Pooling=false");
        await connection.OpenAsync(ct);
        ServerVersion = connection.ServerVersion;
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.AddWithValue(_options.DatabaseName);
        if (await exists.ExecuteScalarAsync(ct) is not null) return;
        var quoted = "\"" + _options.DatabaseName.Replace("\"", "\"\"") + "\"";
        await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
        try
        {
            await create.ExecuteNonQueryAsync(ct);
        }
        // Two starters racing to create it: one wins, the other sees one of these.
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation) { }
    }

    public async Task StopAsync(CancellationToken ct = default)
    {
        if (_stopped) return;
        _stopped = true;
        // Only this cluster's pooled connections; other clusters' pools (tests run several) stay.
        using (var pooled = new NpgsqlConnection(ConnectionString)) NpgsqlConnection.ClearPool(pooled);
        await _control.StopAsync(_options.StartTimeout, ct);
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
