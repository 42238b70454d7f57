namespace Dashboard.Infrastructure.Database.Embedded;

/// <summary>How to run a local PostgreSQL cluster from the machine's own server binaries.</summary>
/// <param name="DataDirectory">
/// Folder that holds everything of this cluster: the PostgreSQL data (<c>pgdata/</c>), its unix
/// socket (<c>run/</c>) and its log (<c>postgres.log</c>). Created when missing.
/// </param>
public sealed record EmbeddedPostgresOptions(string DataDirectory)
{
    /// <summary>
    /// Folder with <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>. When null, the highest
    /// <c>/usr/lib/postgresql/&lt;version&gt;/bin</c> is used, then <c>pg_config --bindir</c>, then PATH.
    /// </summary>
    public string? BinDirectory { get; init; }

    /// <summary>TCP port on 127.0.0.1. When null, a free port is picked at every start.</summary>
    public int? Port { get; init; }

    /// <summary>Database created (when missing) at start and named by <see cref="EmbeddedPostgres.ConnectionString"/>.</summary>
    public string DatabaseName { get; init; } = "dashboard";

    /// <summary>Name of the cluster's superuser role, the one the connection string logs in as.</summary>
    public string SuperUser { get; init; } = "postgres";

    /// <summary>
    /// Operating-system account that runs the server when this process is root (PostgreSQL refuses
    /// to run as root). Ignored otherwise: the server then runs as the current user.
    /// </summary>
    public string OsUser { get; init; } = "postgres";

    /// <summary>
    /// False trades crash safety for speed (initdb --no-sync, fsync=off): for throwaway test
    /// clusters only. A clean stop still keeps every committed row.
    /// </summary>
    public bool Fsync { get; init; } = true;

    /// <summary>Extra server settings (name to value), rewritten into the cluster's configuration at every start.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>How long initdb, the start and the first connection may take, each.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
