namespace Dashboard.Infrastructure.Database.Embedded;

/// <summary>
/// Where each file of an embedded cluster lives. PostgreSQL's own data folder is a child of the
/// root (not the root itself) because initdb demands an empty folder, while the lock, socket and
/// log must exist beside it before and after.
/// </summary>
internal sealed record ClusterLayout(string Root)
{
    public string ClusterDirectory => Path.Combine(Root, "pgdata");

    /// <summary>initdb writes here first and the folder is renamed when complete, so a crash mid-initdb never leaves a half cluster.</summary>
    public string PendingClusterDirectory => Path.Combine(Root, "pgdata.initdb");

    public string SocketDirectory => Path.Combine(Root, "run");
    public string LogFile => Path.Combine(Root, "postgres.log");
    public string LockFile => Path.Combine(Root, "embedded.lock");
    public string SettingsFile => Path.Combine(ClusterDirectory, SettingsFileName);
    public string PidFile => Path.Combine(ClusterDirectory, "postmaster.pid");
    public bool IsInitialized => File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION"));

    public const string SettingsFileName = "embedded.conf";
}
