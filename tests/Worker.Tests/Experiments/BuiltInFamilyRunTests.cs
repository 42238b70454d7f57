using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;
using Dashboard.Domain.Scheduling;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Queue;
using Dashboard.Testing;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Execution.Commands;
using Dashboard.Worker.Hosting;
using Npgsql;

namespace Dashboard.Worker.Tests.Experiments;

/// <summary>
/// What the built-in families' run tests share: a fresh migrated database, the queue a user's request goes
/// into, a worker that takes one run with the family's executor, and a way to read a run's columns back.
/// </summary>
public abstract class BuiltInFamilyRunTests(string name) : IAsyncLifetime
{
    protected string ConnectionString { get; private set; } = "";
    protected NpgsqlDataSource DataSource { get; private set; } = null!;
    protected RunQueue Queue { get; private set; } = null!;
    protected string Artifacts { get; } = Path.Combine(Path.GetTempPath(), name + "-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        ConnectionString = await MigratedDatabase.CreateAsync(name);
        DataSource = DatabaseConnection.Create(ConnectionString);
        Queue = new RunQueue(DataSource, new QueueOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(250) });
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (Directory.Exists(Artifacts)) Directory.Delete(Artifacts, recursive: true);
    }

    protected async Task<long> EnqueueAsync(string request) =>
        (await Queue.EnqueueAsync(ExperimentRequest.Parse(JsonNode.Parse(request), FamilyCatalogue.BuiltIn(),
            DateTimeOffset.UtcNow, new TimeOnly(22, 0)))).RunIds[0];

    /// <summary>A CPU worker that takes one run (command runs and <paramref name="family"/>'s) and stops.</summary>
    protected async Task RunOneAsync(IRunExecutor family)
    {
        var options = new WorkerOptions
        {
            ConnectionString = ConnectionString, Name = name + "-test", DeviceName = "cpu", ArtifactsDirectory = Artifacts,
            Queue = Queue.Options, IdlePoll = TimeSpan.FromMilliseconds(200), MaxRuns = 1,
        };
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await new WorkerLoop(options, WorkerDevice.Cpu, DataSource,
            new RunExecutorCatalogue([new CommandExecutor(), family]), _ => { }).RunAsync(stop.Token);
    }

    /// <summary>A real worker process on the CPU (short leases, so a killed one's run is rescued quickly); kill it when done.</summary>
    protected System.Diagnostics.Process StartWorker()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Dashboard.Worker.dll"), "--device", "cpu"])
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__Dashboard"] = ConnectionString;
        start.Environment["Dashboard__ArtifactsDirectory"] = Artifacts;
        start.Environment["Dashboard__Queue__LeaseSeconds"] = "3";
        start.Environment["Dashboard__Queue__HeartbeatSeconds"] = "0.5";
        var process = System.Diagnostics.Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Starts a worker process, kills it (SIGKILL) once the run has written its first checkpoint, then lets a second
    /// worker rescue the run; returns the state the run ended in.
    /// </summary>
    protected async Task<string> KillAfterCheckpointThenResumeAsync(long run)
    {
        using (var first = StartWorker())
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(Artifacts, "runs", run.ToString(), "checkpoints", "latest.safetensors")))
            {
                first.HasExited.Should().BeFalse("the worker should still be training");
                clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(90));
                await Task.Delay(50);
            }
            await Task.Delay(200);
            first.Kill(entireProcessTree: true);   // no chance to hand the run back
            await first.WaitForExitAsync();
        }
        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("running", "nobody knows yet");

        using var second = StartWorker();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        string state;
        while ((state = await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)) is not ("succeeded" or "failed" or "diverged"))
        {
            waited.Elapsed.Should().BeLessThan(TimeSpan.FromMinutes(3), $"run is {state}");
            await Task.Delay(250);
        }
        second.Kill(entireProcessTree: true);
        return state;
    }

    protected async Task<T> ScalarAsync<T>(string sql, long runId)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(runId);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
