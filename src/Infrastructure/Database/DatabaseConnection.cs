using Npgsql;

namespace Dashboard.Infrastructure.Database;

/// <summary>
/// The product's database, migrated and ready: the configured server, or, with no connection string, an
/// embedded PostgreSQL cluster under the data folder that this object owns and stops on dispose.
/// </summary>
public sealed class DatabaseConnection : IAsyncDisposable
{
    private readonly IAsyncDisposable? _embedded;

    private DatabaseConnection(string connectionString, IAsyncDisposable? embedded)
    {
        ConnectionString = connectionString;
        _embedded = embedded;
        DataSource = Create(connectionString);
    }

    public string ConnectionString { get; }
    public NpgsqlDataSource DataSource { get; }
    public bool IsEmbedded => _embedded is not null;

    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.MaxPoolSize = Math.Max(builder.ConnectionStringBuilder.MaxPoolSize, 50);
        return builder.Build();
    }

    /// <summary>Whether the embedded cluster under <paramref name="dataDirectory"/> is running now (another process uses it).</summary>
    public static bool EmbeddedServerRunning(string dataDirectory) =>
        Embedded.EmbeddedPostgres.IsRunning(Path.Combine(Path.GetFullPath(dataDirectory), "postgres"));

    /// <summary>Connects (starting the embedded cluster when <paramref name="connectionString"/> is empty) and migrates.</summary>
    public static async Task<DatabaseConnection> OpenAsync(string? connectionString, string dataDirectory,
        Action<string> log, CancellationToken ct = default)
    {
        DatabaseConnection connection;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var embedded = await Embedded.EmbeddedPostgres.StartAsync(
                new Embedded.EmbeddedPostgresOptions(Path.Combine(Path.GetFullPath(dataDirectory), "postgres")),
                log, ct);
            connection = new DatabaseConnection(embedded.ConnectionString, embedded);
            log($"Embedded PostgreSQL running ({new NpgsqlConnectionStringBuilder(embedded.ConnectionString) { Password = null }}; " +
                "password in the cluster folder's superuser.password).");
        }
        else
        {
            connection = new DatabaseConnection(connectionString, null);
        }
        try
        {
            var applied = await SchemaMigrator.MigrateAsync(connection.DataSource, ct);
            if (applied.Count > 0) log($"Applied schema migrations {string.Join(", ", applied)}.");
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (_embedded is not null) await _embedded.DisposeAsync();
    }
}
