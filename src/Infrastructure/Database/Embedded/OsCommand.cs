using System.Diagnostics;
using System.Text;

namespace Dashboard.Infrastructure.Database.Embedded;

internal sealed record CommandResult(int ExitCode, string Output);

/// <summary>Runs one program to completion as a <see cref="ClusterAccount"/>, collecting its output.</summary>
internal static class OsCommand
{
    public static async Task<CommandResult> RunAsync(
        ClusterAccount account, string program, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken ct)
    {
        var (file, args) = account.Command(program, arguments);
        var info = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            // The caller's folder may be one the unprivileged account cannot enter (e.g. /root),
            // and initdb and pg_ctl fail when they cannot resolve their working directory.
            WorkingDirectory = "/",
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        // Ambient PGDATA, PGPORT, PGHOST... must not redirect our commands to another cluster.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);

        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new EmbeddedPostgresException($"Could not run '{file}': {e.Message}", e);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timer.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new EmbeddedPostgresException($"'{program} {string.Join(' ', arguments)}' did not finish within {timeout.TotalSeconds:0} s.");
        }
        // The parameterless wait also drains the asynchronous output readers.
        process.WaitForExit();
        lock (output) return new CommandResult(process.ExitCode, output.ToString());
    }
}
