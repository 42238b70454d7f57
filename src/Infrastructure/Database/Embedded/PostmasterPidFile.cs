using System.Globalization;

namespace Dashboard.Infrastructure.Database.Embedded;

/// <summary>
/// PostgreSQL's <c>postmaster.pid</c>: the lock file a running server keeps in its data folder.
/// Lines: pid, data folder, start time, port, socket folder, listen address, shared memory key, status.
/// </summary>
internal sealed record PostmasterPidFile(int Pid, int? Port, string? ListenAddress, string? Status)
{
    public const string Ready = "ready";
    public const string Stopping = "stopping";

    public static PostmasterPidFile? TryRead(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        // The server writes the file in steps while it starts; an empty or partial file is
        // still a claim on the folder, so only its pid is required.
        if (lines.Length == 0 || !int.TryParse(lines[0].Trim(), CultureInfo.InvariantCulture, out var pid)) return null;
        string? Line(int i) => lines.Length > i && lines[i].Trim().Length > 0 ? lines[i].Trim() : null;
        int? port = int.TryParse(Line(3), CultureInfo.InvariantCulture, out var p) ? p : null;
        return new PostmasterPidFile(pid, port, Line(5), Line(7));
    }

    /// <summary>
    /// True when the pid still names a running postgres program. A live pid alone is not enough:
    /// after a crash or container restart the number is often reused by an unrelated process.
    /// </summary>
    public bool IsServerAlive()
    {
        string cmdline;
        try
        {
            cmdline = File.ReadAllText($"/proc/{Pid}/cmdline");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
        var program = Path.GetFileName(cmdline.Split('\0')[0]);
        return program is "postgres" or "postmaster";
    }
}
