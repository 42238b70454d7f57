using System.Diagnostics;

namespace Dashboard.Worker.Execution.Commands;

/// <summary>
/// A shell command running in a process group of its own, so that stopping it reaches every process it
/// started (the training script, its data loader workers, a `sleep` in a shell loop) and nothing else.
/// </summary>
internal sealed class CommandProcess : IDisposable
{
    private const string Shell = "/bin/sh";
    private static readonly string? Setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

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

    /// <summary>Starts <c>/bin/sh -c command</c>. Throws <see cref="System.ComponentModel.Win32Exception"/> when it cannot start.</summary>
    public static CommandProcess Start(string command, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        // .NET cannot put a child in a new process group itself. setsid(1) can: the child .NET forks is not a
        // group leader, so setsid calls setsid(2) and execs the shell in place; the shell's PID is the group's ID.
        var start = new ProcessStartInfo(Setsid ?? Shell)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (Setsid is not null) start.ArgumentList.Add(Shell);
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        foreach (var (name, value) in environment) start.Environment[name] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{Shell} did not start.");
        // A script that reads stdin gets end-of-file at once instead of waiting on the worker's input forever.
        process.StandardInput.Close();
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
