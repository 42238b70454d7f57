using System.Diagnostics;
using Dashboard.Domain.Scheduling;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Queue;
using Dashboard.Testing;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Execution.Commands;
using Dashboard.Worker.Hosting;
using Npgsql;

namespace Dashboard.Worker.Tests.Hosting;

/// <summary>The worker's loop against a real database and real processes: claim, execute, report, complete.</summary>
public sealed class WorkerLoopTests : IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;
    private RunQueue _queue = null!;
    private readonly string _artifacts = Path.Combine(Path.GetTempPath(), "worker-" + Guid.NewGuid().ToString("N"));
    private static readonly QueueOptions Fast = new() { HeartbeatInterval = TimeSpan.FromMilliseconds(250), LeaseDuration = TimeSpan.FromSeconds(10) };

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("worker");
        _dataSource = DatabaseConnection.Create(connectionString);
        _queue = new RunQueue(_dataSource, Fast);
        Options = new WorkerOptions
        {
            ConnectionString = connectionString,
            Name = "test-worker",
            DeviceName = "cpu",
            ArtifactsDirectory = _artifacts,
            Queue = Fast,
            IdlePoll = TimeSpan.FromMilliseconds(200),
        };
    }

    private WorkerOptions Options { get; set; } = null!;

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        if (Directory.Exists(_artifacts)) Directory.Delete(_artifacts, recursive: true);
    }

    private WorkerLoop OneRunLoop() =>
        new(Options with { MaxRuns = 1 }, WorkerDevice.Cpu, _dataSource, new RunExecutorCatalogue([new CommandExecutor()]), _ => { });

    private WorkerLoop NewLoop() =>
        new(Options, WorkerDevice.Cpu, _dataSource, new RunExecutorCatalogue([new CommandExecutor()]), _ => { });

    private async Task<T> ScalarAsync<T>(string sql, long runId)
    {
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(runId);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task WaitForStateAsync(long runId, string state, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", runId) != state)
        {
            clock.Elapsed.Should().BeLessThan(within, $"run {runId} should reach {state}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_script_printing_json_metrics_runs_to_success_and_its_metrics_and_log_are_kept()
    {
        const string script = "for i in 1 2 3 4 5; do echo \"{\\\"step\\\": $i, \\\"loss\\\": $((10 - i))}\"; done; echo done";
        var run = (await _queue.EnqueueAsync(Submissions.Command(script))).RunIds[0];
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await OneRunLoop().RunAsync(stop.Token);

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("succeeded");
        var series = await new MetricQueries(_dataSource).SeriesAsync(run, "loss");
        series.Points.Select(p => (p.Step, p.Value)).Should().Equal((1, 9.0), (2, 8.0), (3, 7.0), (4, 6.0), (5, 5.0));
        (await ScalarAsync<string>("SELECT summary->'final'->>'loss' FROM runs WHERE id = $1", run)).Should().Be("5");
        (await ScalarAsync<long>("SELECT count(*) FROM artifacts WHERE run_id = $1 AND name = 'log.txt'", run)).Should().Be(1);
        File.ReadAllText(Path.Combine(_artifacts, "runs", run.ToString(), "log.txt")).Should().Contain("done");
    }

    [Fact]
    public async Task A_failing_script_fails_the_run_with_its_last_lines_as_the_reason()
    {
        var run = (await _queue.EnqueueAsync(Submissions.Command("echo 'out of memory at layer 7' >&2; exit 3"))).RunIds[0];
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await OneRunLoop().RunAsync(stop.Token);
        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("failed");
        (await ScalarAsync<string>("SELECT failure_reason FROM runs WHERE id = $1", run))
            .Should().Contain("exit code 3").And.Contain("out of memory at layer 7");
    }

    [Fact]
    public async Task A_running_run_stops_within_five_seconds_of_a_cancel_request()
    {
        var run = (await _queue.EnqueueAsync(Submissions.Command("echo '{\"step\": 1, \"loss\": 1}'; sleep 120"))).RunIds[0];
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var loop = NewLoop().RunAsync(stop.Token);
        await WaitForStateAsync(run, "running", TimeSpan.FromSeconds(30));
        await Task.Delay(500);

        var clock = Stopwatch.StartNew();
        await _queue.CancelAsync(run);
        await WaitForStateAsync(run, "cancelled", TimeSpan.FromSeconds(5));
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task A_run_over_its_time_limit_is_timed_out()
    {
        var run = (await _queue.EnqueueAsync(Submissions.Command("sleep 60", timeLimitSeconds: 1))).RunIds[0];
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await OneRunLoop().RunAsync(stop.Token);
        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("timed_out");
    }

    [Fact]
    public async Task A_worker_shutting_down_hands_its_run_back_to_the_queue()
    {
        var run = (await _queue.EnqueueAsync(Submissions.Command("sleep 120"))).RunIds[0];
        using var stop = new CancellationTokenSource();
        var loop = NewLoop().RunAsync(stop.Token);
        await WaitForStateAsync(run, "running", TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await loop;
        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("queued");
        (await ScalarAsync<int>("SELECT attempts FROM runs WHERE id = $1", run)).Should().Be(0);
    }

    [Fact]
    public async Task A_link_planted_where_the_runs_log_goes_fails_the_run_and_its_target_is_untouched()
    {
        var run = (await _queue.EnqueueAsync(Submissions.Command("echo hi"))).RunIds[0];
        var target = Path.Combine(_artifacts, "dashboard-secret.txt");
        var runFolder = Path.Combine(_artifacts, "runs", run.ToString());
        Directory.CreateDirectory(runFolder);
        await File.WriteAllTextAsync(target, "keep me");
        File.CreateSymbolicLink(Path.Combine(runFolder, "log.txt"), target);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await OneRunLoop().RunAsync(stop.Token);

        (await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", run)).Should().Be("failed");
        (await ScalarAsync<string>("SELECT failure_reason FROM runs WHERE id = $1", run)).Should().Contain("symbolic link");
        File.ReadAllText(target).Should().Be("keep me");
    }
}
