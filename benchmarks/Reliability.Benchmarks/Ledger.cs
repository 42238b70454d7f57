namespace Dashboard.Reliability;

/// <summary>
/// What the runs' commands themselves say happened: each appends "start RUN ATTEMPT" when it begins and
/// "done RUN ATTEMPT" when it reaches its end, so a command that ran to completion twice shows two "done" lines.
/// </summary>
internal sealed class Ledger(string folder)
{
    public string Path { get; } = System.IO.Path.Combine(folder, "ledger.txt");

    /// <summary>The command every run executes: <paramref name="steps"/> metric lines, <paramref name="pause"/> seconds apart.</summary>
    public string Script(int steps, double pause)
    {
        var script = System.IO.Path.Combine(folder, $"train-{steps}-{pause}.sh");
        File.WriteAllText(script, $$"""
            echo "start $DASHBOARD_RUN_ID $DASHBOARD_ATTEMPT" >> '{{Path}}'
            i=1
            while [ $i -le {{steps}} ]; do echo "{\"step\": $i, \"loss\": $i}"; i=$((i + 1)); {{(pause > 0 ? $"sleep {pause.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : ":")}}; done
            echo "done $DASHBOARD_RUN_ID $DASHBOARD_ATTEMPT" >> '{{Path}}'
            """);
        if (!File.Exists(Path)) File.WriteAllText(Path, "");
        // Commands of a root worker run as the unprivileged run account: it must be able to append.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path, (UnixFileMode)0b110_110_110);
        return $"sh {script}";
    }

    public (int Starts, Dictionary<long, int> Done) Read()
    {
        var lines = File.ReadAllLines(Path);
        var done = lines.Where(l => l.StartsWith("done ", StringComparison.Ordinal))
            .GroupBy(l => long.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => g.Count());
        return (lines.Count(l => l.StartsWith("start ", StringComparison.Ordinal)), done);
    }
}
