namespace Dashboard.Worker.Tests.Execution.Doubles;

/// <summary>Looks at processes by PID, for checking that a stopped command left none behind.</summary>
public static class Processes
{
    /// <summary>Whether the process exists and is not a zombie (a dead process its parent has not reaped yet).</summary>
    public static bool IsAlive(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }
        var state = stat[(stat.LastIndexOf(')') + 2)..][0];
        return state is not ('Z' or 'X');
    }

    /// <summary>Waits until <paramref name="path"/> holds a PID (a script writes it), and returns it.</summary>
    public static async Task<int> ReadPidFileAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        do
        {
            if (File.Exists(path) && int.TryParse((await File.ReadAllTextAsync(path)).Trim(), out var pid)) return pid;
            await Task.Delay(20);
        } while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"no PID in {path} after {timeout}.");
    }
}
