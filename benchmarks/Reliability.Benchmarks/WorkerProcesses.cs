using System.Diagnostics;

namespace Dashboard.Reliability;

/// <summary>Real worker processes (Dashboard.Worker.dll, as ./scripts/start runs it), started, SIGKILLed and restarted by the scenarios.</summary>
internal sealed class WorkerProcesses(string connectionString, string artifacts, int leaseSeconds) : IDisposable
{
    private readonly List<Process> _running = [];
    private int _started;

    public int Count => _running.Count;

    public void Start(int count)
    {
        for (var i = 0; i < count; i++) _running.Add(StartOne());
    }

    /// <summary>SIGKILLs one worker (no handler of it runs) and starts a fresh one in its place.</summary>
    public void KillOneAndReplace(Random random)
    {
        var index = random.Next(_running.Count);
        _running[index].Kill();
        _running[index].WaitForExit();
        _running[index].Dispose();
        _running[index] = StartOne();
    }

    private Process StartOne()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Dashboard.Worker.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--device", "cpu", "--name", $"bench-{++_started}"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__Dashboard"] = connectionString;
        start.Environment["Dashboard__ArtifactsDirectory"] = artifacts;
        start.Environment["Dashboard__Queue__LeaseSeconds"] = leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Dashboard__Queue__RetryBackoffSeconds"] = "1";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public void Dispose()
    {
        foreach (var process in _running)
        {
            try { process.Kill(); process.WaitForExit(); } catch (InvalidOperationException) { }
            process.Dispose();
        }
        _running.Clear();
    }
}
