namespace Dashboard.EndToEnd.Tests.Hosting;

/// <summary>What /proc says about processes: their group and session, and which ones carry a marker variable.</summary>
internal static class ProcessTable
{
    public sealed record ProcessStat(int Pid, char State, int ParentPid, int GroupId, int SessionId);

    public static ProcessStat? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) state ppid pgrp session …": comm may hold spaces and parentheses, so split after the last ')'.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return new ProcessStat(pid, fields[0][0], int.Parse(fields[1]), int.Parse(fields[2]), int.Parse(fields[3]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Live processes whose environment holds <paramref name="variable"/>=<paramref name="value"/>.</summary>
    public static IReadOnlyList<int> WithEnvironment(string variable, string value) => WithEnvironment([(variable, value)]);

    /// <summary>Live processes whose environment holds every one of <paramref name="variables"/>.</summary>
    public static IReadOnlyList<int> WithEnvironment(IReadOnlyList<(string Name, string Value)> variables)
    {
        var wanted = variables.Select(v => $"{v.Name}={v.Value}").ToList();
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                var environ = File.ReadAllText(System.IO.Path.Combine(dir, "environ"));
                var entries = environ.Split('\0');
                if (wanted.All(entries.Contains) && PosixSignals.IsAlive(pid)) found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return found;
    }

    public static string Describe(int pid)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            return $"{pid} ({(cmdline.Length > 120 ? cmdline[..120] + "…" : cmdline)})";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
