using System.Globalization;

namespace Dashboard.Worker.Execution.Commands;

/// <summary>
/// Whether a process group still has live members. kill(-group, 0) counts zombies, which may never be reaped
/// when the worker runs as PID 1's child in a container; /proc tells the living from the dead.
/// </summary>
internal static class ProcessGroupMembers
{
    public static bool AnyAlive(int groupId)
    {
        if (!PosixSignals.SendToGroup(groupId, PosixSignals.Probe)) return false;
        if (!Directory.Exists("/proc")) return true;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out _)) continue;
            if (ReadStat(folder) is { } stat && stat.Group == groupId && stat.State is not ('Z' or 'X')) return true;
        }
        return false;
    }

    /// <summary>State and process group from /proc/PID/stat: "pid (name) S ppid pgrp ...", where the name may hold spaces and ')'.</summary>
    private static (char State, int Group)? ReadStat(string folder)
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Join(folder, "stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // it ended while we looked
        }
        var afterName = text.LastIndexOf(')');
        if (afterName < 0) return null;
        var fields = text[(afterName + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3 || fields[0].Length != 1) return null;
        return int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var group)
            ? (fields[0][0], group)
            : null;
    }
}
