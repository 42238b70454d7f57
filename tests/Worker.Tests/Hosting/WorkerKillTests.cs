using System.Diagnostics;
using Dashboard.Domain.Scheduling;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Queue;
using Dashboard.Testing;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Execution.Commands;
using Dashboard.Worker.Hosting;
using Dashboard.Worker.Tests.Execution.Doubles;
using Npgsql;

namespace Dashboard.Worker.Tests.Hosting;

/// <summary>
/// A worker process killed with SIGKILL mid-command: its command (and the command's children) die within
/// seconds, the run's next attempt writes a folder of its own, and the log keeps both attempts' lines.
/// </summary>
public sealed class WorkerKillTests : IAsyncLifetime
{
    private static readonly QueueOptions Fast = new() { HeartbeatInterval = TimeSpan.FromMilliseconds(250), LeaseDuration = TimeSpan.FromSeconds(3) };
    private readonly string _artifacts = Path.Combine(Path.GetTempPath(), "worker-kill-" + Guid.NewGuid().ToString("N"));
    private string _connectionString = "";
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await MigratedDatabase.CreateAsync("worker_kill");
        _dataSource = DatabaseConnection.Create(_connectionString);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        if (Directory.Exists(_artifacts)) Directory.Delete(_artifacts, recursive: true);
    }

    [Fact]
    public async Task A_killed_workers_command_dies_with_it_and_the_next_attempt_has_its_own_folder_and_log_lines()
    {
        Directory.CreateDirectory(_artifacts);
        var script = Path.Combine(_artifacts, "attempt.sh");
        await File.WriteAllTextAsync(script, """
            echo "attempt $DASHBOARD_ATTEMPT says hello"
            if [ "$DASHBOARD_ATTEMPT" = 1 ]; then
              sleep 300 & echo $! > "$DASHBOARD_OUTPUT_DIR/child.pid"
              echo $$ > "$DASHBOARD_OUTPUT_DIR/shell.pid"
              wait
            fi
            echo "attempt $DASHBOARD_ATTEMPT done" > "$DASHBOARD_OUTPUT_DIR/result.txt"
            """);
        var queue = new RunQueue(_dataSource, Fast);
        var run = (await queue.EnqueueAsync(Submissions.Command($"sh {script}"))).RunIds[0];
        var runFolder = Path.Combine(_artifacts, "runs", run.ToString());

        using var worker = StartWorkerProcess();
        int child, shell;
        try
        {
            child = await Processes.ReadPidFileAsync(Path.Combine(runFolder, "attempt-1", "child.pid"), TimeSpan.FromSeconds(60));
            shell = await Processes.ReadPidFileAsync(Path.Combine(runFolder, "attempt-1", "shell.pid"), TimeSpan.FromSeconds(5));
            Processes.IsAlive(child).Should().BeTrue();
            // Lines still in the pipe when the worker dies are gone with it; the ones it has read must be kept.
            var logFile = Path.Combine(runFolder, "log.txt");
            var waited = Stopwatch.StartNew();
            while (!File.ReadAllText(logFile).Contains("attempt 1 says hello") && waited.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
        }
        finally
        {
            worker.Kill(); // SIGKILL: no handler of the worker runs
        }

        var clock = Stopwatch.StartNew();
        while ((Processes.IsAlive(child) || Processes.IsAlive(shell)) && clock.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
        Processes.IsAlive(child).Should().BeFalse("the command's children end with their worker");
        Processes.IsAlive(shell).Should().BeFalse("the command ends with its worker");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));

        // Another worker rescues the run once its lease expires and runs attempt 2.
        var options = new WorkerOptions
        {
            ConnectionString = _connectionString, Name = "second", DeviceName = "cpu", ArtifactsDirectory = _artifacts,
            Queue = Fast, IdlePoll = TimeSpan.FromMilliseconds(200), MaxRuns = 1,
        };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await new WorkerLoop(options, WorkerDevice.Cpu, _dataSource, new RunExecutorCatalogue([new CommandExecutor()]), _ => { }).RunAsync(stop.Token);

        await using (var state = _dataSource.CreateCommand($"SELECT state || ' ' || attempts FROM runs WHERE id = {run}"))
            (await state.ExecuteScalarAsync()).Should().Be("succeeded 2");
        File.Exists(Path.Combine(runFolder, "attempt-1", "result.txt")).Should().BeFalse("attempt 1 never finished");
        File.ReadAllText(Path.Combine(runFolder, "attempt-2", "result.txt")).Should().Be("attempt 2 done\n");
        var log = File.ReadAllLines(Path.Combine(runFolder, "log.txt"));
        log.Should().ContainInOrder(
            log.First(l => l.StartsWith("[worker] attempt 1 started")),
            "attempt 1 says hello",
            log.First(l => l.StartsWith("[worker] attempt 2 started")),
            "attempt 2 says hello");
    }

    /// <summary>The real worker program, as ./scripts/start runs it, against this test's database.</summary>
    private Process StartWorkerProcess()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Dashboard.Worker.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--device", "cpu", "--name", "doomed"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__Dashboard"] = _connectionString;
        start.Environment["Dashboard__ArtifactsDirectory"] = _artifacts;
        start.Environment["Dashboard__Queue__LeaseSeconds"] = "3";
        start.Environment["Dashboard__Queue__HeartbeatSeconds"] = "0.25";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
