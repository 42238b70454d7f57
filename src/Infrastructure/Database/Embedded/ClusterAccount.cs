using Dashboard.Infrastructure.Accounts;

namespace Dashboard.Infrastructure.Database.Embedded;

/// <summary>
/// The operating-system account the server programs run as. PostgreSQL refuses to run as root,
/// so a root process hands the cluster's folders to an unprivileged account and starts every
/// server program through <c>setpriv</c> (or <c>runuser</c>) as that account.
/// </summary>
internal sealed record ClusterAccount(string Name, uint? Uid, uint? Gid)
{
    /// <summary>True when server programs must be started as another (unprivileged) account.</summary>
    public bool DropsRoot => Uid is not null;

    public static async Task<ClusterAccount> ResolveAsync(string osUser, CancellationToken ct)
    {
        if (!Environment.IsPrivilegedProcess) return new ClusterAccount(Environment.UserName, null, null);

        var uid = await IdAsync("-u", osUser, ct);
        var gid = await IdAsync("-g", osUser, ct);
        if (uid is null || gid is null)
            throw new EmbeddedPostgresException(
                $"This process runs as root, and PostgreSQL refuses to; it would run as the OS account '{osUser}', " +
                $"which does not exist. `apt-get install postgresql` creates the 'postgres' account, " +
                "or set EmbeddedPostgresOptions.OsUser to an existing unprivileged account.");
        if (uid == 0)
            throw new EmbeddedPostgresException($"EmbeddedPostgresOptions.OsUser '{osUser}' is root; PostgreSQL needs an unprivileged account.");
        return new ClusterAccount(osUser, uid, gid);
    }

    /// <summary>The program and arguments that run <paramref name="program"/> as this account.</summary>
    public (string Program, IReadOnlyList<string> Arguments) Command(string program, IEnumerable<string> arguments)
    {
        if (!DropsRoot) return (program, arguments.ToList());
        // setpriv execs in place (no extra parent process, no PAM session) and --reset-env drops
        // root's environment (PG* variables included). runuser is the fallback on systems without it.
        if (File.Exists("/usr/bin/setpriv") || File.Exists("/bin/setpriv"))
            return ("setpriv", [$"--reuid={Uid}", $"--regid={Gid}", "--init-groups", "--reset-env", "--", program, .. arguments]);
        return ("runuser", ["-u", Name, "--", program, .. arguments]);
    }

    /// <summary>Hands a file or folder that root created over to this account (no-op when not root).</summary>
    public void Own(string path)
    {
        if (!DropsRoot) return;
        if (!FolderAccess.TryHandOver(path, Uid!.Value, Gid!.Value, out var errno))
            throw new EmbeddedPostgresException($"Could not hand '{path}' to OS account '{Name}' (errno {errno}).");
    }

    /// <summary>
    /// Fails clearly when the account cannot reach <paramref name="folder"/>, typically because a
    /// parent folder (such as /root) is not traversable by others.
    /// </summary>
    public async Task EnsureCanReachAsync(string folder, TimeSpan timeout, CancellationToken ct)
    {
        if (!DropsRoot) return;
        var result = await OsCommand.RunAsync(this, "test", ["-w", folder, "-a", "-x", folder], timeout, ct);
        if (result.ExitCode == 0) return;

        var blocking = FolderAccess.BlockingAncestor(folder);
        var why = blocking is null ? "" : $": '{blocking}' is not traversable by others (chmod o+x it, or choose another folder)";
        throw new EmbeddedPostgresException(
            $"The OS account '{Name}' that runs PostgreSQL cannot reach the data folder '{folder}'{why}.");
    }

    static async Task<uint?> IdAsync(string flag, string user, CancellationToken ct)
    {
        var self = new ClusterAccount("root", null, null);
        var result = await OsCommand.RunAsync(self, "id", [flag, user], TimeSpan.FromSeconds(10), ct);
        return result.ExitCode == 0 && uint.TryParse(result.Output.Trim(), out var id) ? id : null;
    }
}
