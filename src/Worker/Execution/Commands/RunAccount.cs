using System.Diagnostics;
using System.Globalization;
using Dashboard.Infrastructure.Accounts;

namespace Dashboard.Worker.Execution.Commands;

/// <summary>
/// The unprivileged operating-system account a root worker runs users' commands as, so that their scripts can
/// read none of the dashboard's secrets (database password, cookie keys, the first admin's file, the worker's
/// environment). Created when missing, like the PostgreSQL account. A worker that is not root cannot switch
/// accounts: its commands run as itself (see the README).
/// </summary>
public sealed record RunAccount(string Name, uint Uid, uint Gid, string Home)
{
    public const string DefaultName = "dashboard-run";

    /// <summary>
    /// The account for this worker: null when the worker is not root (nothing to drop) or when <paramref name="name"/>
    /// is "root" (the operator chose to run commands as root). Creates the account when missing.
    /// </summary>
    public static RunAccount? ForThisWorker(string? name, Action<string> log)
    {
        if (!Environment.IsPrivilegedProcess) return null;
        name = string.IsNullOrWhiteSpace(name) ? DefaultName : name.Trim();
        if (name == "root")
        {
            log("Commands run as root (Dashboard:RunAccount is 'root'): they can read every secret of this machine.");
            return null;
        }
        var account = Find(name);
        if (account is null)
        {
            log($"Creating the unprivileged account '{name}' that commands run as.");
            Run("useradd", "--system", "--user-group", "--create-home", "--home-dir", $"/var/lib/{name}", "--shell", "/usr/sbin/nologin", name);
            account = Find(name) ?? throw new InvalidOperationException($"The run account '{name}' could not be created (useradd).");
        }
        if (account.Uid == 0) throw new InvalidOperationException($"The run account '{name}' is root; choose an unprivileged account.");
        return account;
    }

    /// <summary>The account as the passwd database has it, or null.</summary>
    public static RunAccount? Find(string name)
    {
        var line = Run("getent", "passwd", name);
        var fields = line?.Trim().Split(':');
        if (fields is not { Length: >= 7 }) return null;
        return new RunAccount(fields[0], uint.Parse(fields[2], CultureInfo.InvariantCulture),
            uint.Parse(fields[3], CultureInfo.InvariantCulture), fields[5]);
    }

    /// <summary>Hands a folder the worker made to this account, so its command can write there.</summary>
    public void Own(string path)
    {
        if (!FolderAccess.TryHandOver(path, Uid, Gid, out var errno))
            throw new IOException($"Could not hand '{path}' to the run account '{Name}' (errno {errno}).");
    }

    /// <summary>
    /// Null when this account can write <paramref name="folder"/>, else why not — typically a parent folder such as
    /// /root that others cannot traverse.
    /// </summary>
    public string? CannotWrite(string folder)
    {
        if (Run("setpriv", [.. SwitchArguments(), "test", "-w", folder, "-a", "-x", folder]) is not null) return null;
        var blocking = FolderAccess.BlockingAncestor(folder);
        return $"the run account '{Name}' cannot write the output folder '{folder}'" +
               (blocking is null ? "." : $": '{blocking}' is not traversable by others (chmod o+x it, or move the artifacts folder).");
    }

    /// <summary>The setpriv arguments that run a program as this account (setpriv execs in place: no extra process, no PAM session).</summary>
    public IEnumerable<string> SwitchArguments() =>
        [$"--reuid={Uid}", $"--regid={Gid}", "--init-groups", "--"];

    private static string? Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : null;
    }
}
