namespace Dashboard.EndToEnd.Tests.Hosting;

/// <summary>How the product is started for a test run: the README's command, with its own port, data folder and admin.</summary>
public sealed record DashboardStart(
    string RepositoryRoot,
    int Port,
    string DataDirectory,
    string AdminUserName,
    string AdminPassword,
    TimeSpan ReadyTimeout,
    string LogFile)
{
    /// <summary>Where the embedded PostgreSQL writes its pid file (see the product's embedded cluster layout).</summary>
    public string PostmasterPidFile => Path.Combine(DataDirectory, "postgres", "pgdata", "postmaster.pid");
}
