using System.Diagnostics;

namespace Dashboard.Worker.Execution.Commands;

/// <summary>
/// A shell command running in a process group of its own, so that stopping it reaches every process it
/// started (the training script, its data loader workers, a `sleep` in a shell loop) and nothing else, and
/// so that it ends with its worker: a killed worker's command must not overlap the run's next attempt.
/// </summary>
internal sealed class CommandProcess : IDisposable
{
    private const string Shell = "/bin/sh";
    private static readonly string? Setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);
    private static readonly string Setpriv = new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists) ?? "setpriv";

    private readonly Process process;

    private CommandProcess(Process process, bool ownGroup)
    {
        this.process = process;
        OwnGroup = ownGroup;
    }

    /// <summary>
    /// Whether the command leads its own process group. False only where util-linux's setsid is missing; then
    /// stopping falls back to the process tree the worker can still see.
    /// </summary>
    public bool OwnGroup { get; }

    public Stream StandardOutput => process.StandardOutput.BaseStream;
    public Stream StandardError => process.StandardError.BaseStream;
    public int ExitCode => process.ExitCode;
    public bool HasExited => process.HasExited;

    /// <summary>
    /// Runs in the command's process group, between the worker and the command. The worker holds the write end of
    /// its stdin and never writes: when the worker dies, however it dies, the kernel closes that pipe, the watcher
    /// reads end-of-file and stops the whole group (SIGTERM, the grace, SIGKILL). It ignores SIGTERM only then, so
    /// a stop the worker sends still ends it with the rest. The command reads /dev/null, as before.
    /// $1: the command; $2: seconds of grace.
    /// </summary>
    private const string Supervisor = """
        exec 3<&0
        { while read -r _; do :; done; trap '' TERM; kill -TERM 0; sleep "$2"; kill -KILL 0; } <&3 &
        watcher=$!
        exec 3<&-
        /bin/sh -c "$1" </dev/null &
        wait $!
        status=$?
        kill "$watcher" 2>/dev/null
        wait "$watcher" 2>/dev/null
        exit $status
        """;

    /// <summary>
    /// Starts <c>/bin/sh -c command</c> in a process group of its own that dies with the worker, as
    /// <paramref name="account"/> when given. Throws <see cref="System.ComponentModel.Win32Exception"/> when it cannot start.
    /// </summary>
    public static CommandProcess Start(string command, string workingDirectory, IReadOnlyDictionary<string, string> environment,
        TimeSpan grace, RunAccount? account = null)
    {
        // .NET cannot put a child in a new process group itself. setsid(1) can: the child .NET forks is not a
        // group leader, so setsid calls setsid(2) and execs in place; setpriv (dropping root) execs in place too,
        // so the supervising shell's PID is the group's ID.
        var start = new ProcessStartInfo(Setsid ?? (account is null ? Shell : Setpriv))
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var arguments = new List<string>();
        if (account is not null)
        {
            if (Setsid is not null) arguments.Add(Setpriv);
            arguments.AddRange(account.SwitchArguments());
        }
        if (Setsid is not null || account is not null) arguments.Add(Shell);
        if (Setsid is not null)
        {
            // kill 0 in the watcher is only safe in a group of the command's own.
            arguments.AddRange(["-c", Supervisor, "dashboard-command", command,
                Math.Max(0, Math.Ceiling(grace.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        else
        {
            arguments.AddRange(["-c", command]);
        }
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        CommandEnvironment.ScrubWorkerSecrets(start.Environment);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        if (account is not null)
        {
            start.Environment["HOME"] = account.Home;
            start.Environment["USER"] = account.Name;
            start.Environment["LOGNAME"] = account.Name;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{Shell} did not start.");
        // Without the supervisor, a script that reads stdin gets end-of-file at once instead of waiting on the worker's input.
        if (Setsid is null) process.StandardInput.Close();
        return new CommandProcess(process, Setsid is not null);
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => process.WaitForExitAsync(cancellationToken);

    /// <summary>
    /// Stops every process of the command: SIGTERM, up to <paramref name="grace"/> to exit (time for a script to
    /// save its state), then SIGKILL. Also run after a normal exit, for processes the command left in the
    /// background. Returns whether anything was still running.
    /// </summary>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        if (!AnyAlive()) return false;
        Signal(PosixSignals.Terminate);
        var deadline = DateTime.UtcNow + grace;
        while (AnyAlive() && DateTime.UtcNow < deadline) await Task.Delay(25);
        if (AnyAlive())
        {
            Signal(PosixSignals.Kill);
            if (!OwnGroup && !process.HasExited) process.Kill(entireProcessTree: true);
        }
        return true;
    }

    private bool AnyAlive() => OwnGroup ? ProcessGroupMembers.AnyAlive(process.Id) || !process.HasExited : !process.HasExited;

    private void Signal(int signal)
    {
        if (OwnGroup) PosixSignals.SendToGroup(process.Id, signal);
        // Also the shell itself: right after start, setsid may not have made the group yet.
        if (!process.HasExited) PosixSignals.SendToProcess(process.Id, signal);
    }

    public void Dispose() => process.Dispose();
}
