using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Dashboard.EndToEnd.Tests.Hosting;

/// <summary>
/// The product as a user starts it: <c>./scripts/start</c> from the repository root (which publishes, then execs the
/// web app, which starts the embedded PostgreSQL and a local worker). It runs in a session of its own (setsid), so
/// stopping it is what a terminal's Ctrl-C or a service manager does: a signal to the whole process group. After
/// that nothing it started may be left: not the worker or a command run (found by a marker variable in their
/// environment) and not PostgreSQL (which pg_ctl puts in a session of its own; found by its pid file).
/// </summary>
public sealed partial class DashboardProcess : IAsyncDisposable
{
    /// <summary>Set in the environment of everything started from here (PostgreSQL aside: it is started with a clean one).</summary>
    public const string MarkerVariable = "DASHBOARD_E2E_INSTANCE";

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LeftoverTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly DashboardStart _start;
    private readonly string _instance;
    private Process? _watchdog;
    private int? _postmasterPid;
    private bool _stopped;

    private DashboardProcess(Process process, DashboardStart start, string instance, AppOutput output)
    {
        _process = process;
        _start = start;
        _instance = instance;
        Output = output;
    }

    public Uri BaseUrl { get; private set; } = null!;
    public AppOutput Output { get; }
    public TimeSpan StartupTime { get; private set; }

    [GeneratedRegex(@"Dashboard ready: open (?<url>https?://[^\s,]+)")]
    private static partial Regex ReadyLine();

    public static async Task<DashboardProcess> StartAsync(DashboardStart start, Action<string> log)
    {
        var instance = Guid.NewGuid().ToString("N");
        var output = new AppOutput(start.LogFile);
        var info = new ProcessStartInfo("setsid", ["./scripts/start"])
        {
            WorkingDirectory = start.RepositoryRoot,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        StartEnvironment.Apply(info.Environment, start, MarkerVariable, instance);

        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            output.Add("out", e.Data);
            if (ReadyLine().Match(e.Data) is { Success: true } m) ready.TrySetResult(new Uri(m.Groups["url"].Value));
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) output.Add("err", e.Data);
        };

        var clock = Stopwatch.StartNew();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new DashboardProcess(process, start, instance, output);
        try
        {
            app.StartWatchdog();
            log($"Started ./scripts/start (pid {process.Id}) for port {start.Port}, data in {start.DataDirectory}, output in {start.LogFile}.");
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(ready.Task, exited, Task.Delay(start.ReadyTimeout));
            if (first == exited)
                throw new DashboardStartException($"./scripts/start exited with code {process.ExitCode} before printing \"Dashboard ready\".", output.Tail(200));
            if (first != ready.Task)
                throw new DashboardStartException($"./scripts/start did not print \"Dashboard ready\" within {start.ReadyTimeout.TotalMinutes:0} minutes.", output.Tail(200));
            app.BaseUrl = await ready.Task;
            app.StartupTime = clock.Elapsed;
            app._postmasterPid = ReadPostmasterPid(start.PostmasterPidFile);
            log($"Dashboard ready at {app.BaseUrl} after {clock.Elapsed.TotalSeconds:0.0} s (PostgreSQL pid {app._postmasterPid?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}).");
            return app;
        }
        catch
        {
            await app.StopAsync(log);
            throw;
        }
    }

    /// <summary>Processes of a command run (the worker starts them with DASHBOARD_RUN_ID in their environment) still alive.</summary>
    public IReadOnlyList<int> ProcessesOfRun(long runId) =>
        ProcessTable.WithEnvironment([(MarkerVariable, _instance), ("DASHBOARD_RUN_ID", runId.ToString(CultureInfo.InvariantCulture))]);

    public async ValueTask DisposeAsync() => await StopAsync(_ => { });

    /// <summary>
    /// SIGTERM to the group (the web app then stops its worker and PostgreSQL), SIGKILL after a minute; then checks
    /// that nothing it started is left, removes what is (so no test run leaks servers), and says so by throwing.
    /// </summary>
    public async Task StopAsync(Action<string> log)
    {
        if (_stopped) return;
        _stopped = true;
        var problems = new List<string>();
        var clock = Stopwatch.StartNew();
        var group = ProcessTable.Stat(_process.Id)?.GroupId;
        // setsid made the script's process the leader of a new group; never signal the test host's own group.
        if (group != _process.Id) group = null;

        if (!_process.HasExited)
        {
            Signal(group, PosixSignals.Terminate);
            if (!await ExitsWithinAsync(StopTimeout))
            {
                problems.Add($"the dashboard did not stop within {StopTimeout.TotalSeconds:0} s of SIGTERM and was killed");
                Signal(group, PosixSignals.Kill);
                await ExitsWithinAsync(TimeSpan.FromSeconds(10));
            }
        }

        var leftovers = await LeftoversAsync(LeftoverTimeout);
        if (leftovers.Count > 0)
        {
            problems.Add($"left running after the dashboard stopped: {string.Join("; ", leftovers.Select(ProcessTable.Describe))}");
            foreach (var pid in leftovers)
                PosixSignals.SendToProcess(pid, pid == _postmasterPid ? PosixSignals.Quit : PosixSignals.Kill);
        }

        StopWatchdog();
        _process.Dispose();
        try
        {
            if (Directory.Exists(_start.DataDirectory)) Directory.Delete(_start.DataDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log($"Could not remove {_start.DataDirectory}: {e.Message}");
        }
        log(problems.Count == 0
            ? $"Dashboard stopped in {clock.Elapsed.TotalSeconds:0.0} s, nothing left running."
            : $"Dashboard stopped in {clock.Elapsed.TotalSeconds:0.0} s, but {string.Join("; ", problems)}.");
        if (problems.Count > 0)
            throw new InvalidOperationException($"Stopping the dashboard: {string.Join("; ", problems)}.{Environment.NewLine}{Output.Tail(60)}");
    }

    private void Signal(int? group, int signal)
    {
        if (group is { } g) PosixSignals.SendToGroup(g, signal);
        else PosixSignals.SendToProcess(_process.Id, signal);
    }

    private async Task<bool> ExitsWithinAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Processes of this instance still alive once <paramref name="timeout"/> has passed (they get that long to finish stopping).</summary>
    private async Task<IReadOnlyList<int>> LeftoversAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var alive = ProcessTable.WithEnvironment(MarkerVariable, _instance).ToList();
            if (_postmasterPid is { } pg && PosixSignals.IsAlive(pg) && IsPostgresOf(pg)) alive.Add(pg);
            if (alive.Count == 0 || deadline.Elapsed > timeout) return alive;
            await Task.Delay(200);
        }
    }

    private bool IsPostgresOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains(_start.DataDirectory, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int? ReadPostmasterPid(string pidFile)
    {
        try
        {
            return int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// If the test host dies (killed, or a CI time-out), a detached shell stops the dashboard and its PostgreSQL and
    /// removes the data folder. A normal stop ends the watchdog first.
    /// </summary>
    private void StartWatchdog()
    {
        var data = _start.DataDirectory;
        var script =
            "exec </dev/null >/dev/null 2>&1; " +
            $"while kill -0 {Environment.ProcessId}; do sleep 1; done; " +
            // dash's kill takes "-PGID" for a group, and no "--".
            $"kill -TERM -{_process.Id}; i=0; while kill -0 -{_process.Id} && [ $i -lt 30 ]; do sleep 1; i=$((i+1)); done; " +
            $"kill -KILL -{_process.Id}; " +
            $"pid=$(head -1 '{_start.PostmasterPidFile}') && kill -QUIT \"$pid\"; sleep 2; rm -rf '{data}'";
        var info = new ProcessStartInfo("setsid", ["sh", "-c", script]) { UseShellExecute = false };
        _watchdog = Process.Start(info);
    }

    private void StopWatchdog()
    {
        if (_watchdog is null || _watchdog.HasExited) return;
        PosixSignals.SendToProcess(_watchdog.Id, PosixSignals.Kill);
        _watchdog.Dispose();
    }
}
