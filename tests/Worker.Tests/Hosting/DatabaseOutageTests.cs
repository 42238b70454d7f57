using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dashboard.Domain.Scheduling;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Database.Embedded;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Queue;
using Dashboard.Testing;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Execution.Commands;
using Dashboard.Worker.Hosting;
using Npgsql;

namespace Dashboard.Worker.Tests.Hosting;

/// <summary>
/// PostgreSQL stops for many lease periods under a running command run and starts again: the command goes on,
/// its metrics wait in memory, the run completes exactly once with every point, nothing rescues it meanwhile,
/// and an idle worker started separately is still there to take the next run.
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private static readonly QueueOptions Fast = new() { HeartbeatInterval = TimeSpan.FromMilliseconds(250), LeaseDuration = TimeSpan.FromSeconds(2) };
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(12);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "outage-" + Guid.NewGuid().ToString("N")[..12]);
    private EmbeddedPostgresOptions _options = null!;
    private EmbeddedPostgres _server = null!;
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        // A server of this test's own, on a fixed port so clients find it again after the restart.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        _options = new EmbeddedPostgresOptions(Path.Combine(_folder, "postgres")) { Fsync = false, Port = port };
        _server = await EmbeddedPostgres.StartAsync(_options);
        _dataSource = DatabaseConnection.Create(_server.ConnectionString);
        await SchemaMigrator.MigrateAsync(_dataSource);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _server.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private WorkerLoop Loop(string name) => new(
        new WorkerOptions
        {
            ConnectionString = _server.ConnectionString, Name = name, DeviceName = "cpu",
            ArtifactsDirectory = Path.Combine(_folder, "artifacts"), Queue = Fast, IdlePoll = TimeSpan.FromMilliseconds(200),
        },
        WorkerDevice.Cpu, _dataSource, new RunExecutorCatalogue([new CommandExecutor()]), _ => { });

    private async Task<string> StateAsync(long run)
    {
        await using var command = _dataSource.CreateCommand($"SELECT state || ' ' || attempts FROM runs WHERE id = {run}");
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_run_outlasts_a_database_outage_of_many_lease_periods_and_completes_exactly_once()
    {
        Directory.CreateDirectory(_folder);
        var executions = Path.Combine(_folder, "executions.txt");
        var script = Path.Combine(_folder, "train.sh");
        await File.WriteAllTextAsync(script, $$"""
            echo "run $DASHBOARD_RUN_ID attempt $DASHBOARD_ATTEMPT" >> '{{executions}}'
            i=1
            while [ $i -le 40 ]; do echo "{\"step\": $i, \"loss\": $i}"; i=$((i + 1)); sleep 0.5; done
            """);
        var queue = new RunQueue(_dataSource, Fast);
        var run = (await queue.EnqueueAsync(Submissions.Command($"sh {script}"))).RunIds[0];

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var busy = Loop("busy").RunAsync(stop.Token);
        var clock = Stopwatch.StartNew();
        while (await StateAsync(run) != "running 1") { clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30)); await Task.Delay(100); }
        var idle = Loop("idle").RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));

        // What the web app does all the time: rescue expired leases. It must not take the run after the restart.
        var rescued = 0;
        var rescuer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try { rescued += await queue.RescueExpiredLeasesAsync(stop.Token); }
                catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException) { }
                catch (OperationCanceledException) { return; }
                await Task.Delay(200);
            }
        });

        await _server.StopAsync();
        await Task.Delay(Outage);
        (await File.ReadAllLinesAsync(executions)).Should().Equal($"run {run} attempt 1");
        _server = await EmbeddedPostgres.StartAsync(_options);

        while (await StateAsync(run) != "succeeded 1") { clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(90)); await Task.Delay(200); }
        var next = (await queue.EnqueueAsync(Submissions.Command("echo '{\"step\": 1, \"loss\": 1}'"))).RunIds[0];
        while (await StateAsync(next) != "succeeded 1") { clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(100)); await Task.Delay(200); }

        busy.IsCompleted.Should().BeFalse("the busy worker rode the outage out");
        idle.IsCompleted.Should().BeFalse("the idle worker rode the outage out");
        await stop.CancelAsync();
        await Task.WhenAll(busy, idle, rescuer);

        rescued.Should().Be(0, "no rescue during the first lease period after the restart, and the worker renewed by then");
        (await File.ReadAllLinesAsync(executions)).Should().Equal($"run {run} attempt 1");
        var series = await new MetricQueries(_dataSource).SeriesAsync(run, "loss");
        series.Points.Select(p => p.Step).Should().Equal(Enumerable.Range(1, 40).Select(i => (long)i), "no point lost or duplicated");
    }
}
