using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;
using Dashboard.Domain.Sweeps;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Database.Embedded;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Queue;
using Dashboard.Reliability;
using Npgsql;

// Failure benchmark: real worker processes against a fresh embedded PostgreSQL, under worker SIGKILLs,
// PostgreSQL outages and racing workers. Counts runs lost or completed twice and metric points lost or duplicated.
//   dotnet run -c Release --project benchmarks/Reliability.Benchmarks -- [kills=20] [outages=5,40,180] [racing-runs=500]
var settings = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
var kills = int.Parse(settings.GetValueOrDefault("kills", "20"), CultureInfo.InvariantCulture);
var outages = settings.GetValueOrDefault("outages", "5,40,180").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var racingRuns = int.Parse(settings.GetValueOrDefault("racing-runs", "500"), CultureInfo.InvariantCulture);
const int LeaseSeconds = 5;

var folder = Directory.CreateTempSubdirectory("reliability-");
if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder.FullName, (UnixFileMode)0b111_101_101);
using var listener = new TcpListener(IPAddress.Loopback, 0);
listener.Start();
var port = ((IPEndPoint)listener.LocalEndpoint).Port;
listener.Stop();
var pgOptions = new EmbeddedPostgresOptions(Path.Combine(folder.FullName, "postgres")) { Port = port, Settings = new Dictionary<string, string> { ["max_connections"] = "300" } };
var server = await EmbeddedPostgres.StartAsync(pgOptions);
Console.WriteLine($"PostgreSQL {server.ServerVersion} on 127.0.0.1:{port}; {Environment.ProcessorCount} CPUs; folder {folder.FullName}");
var dataSource = DatabaseConnection.Create(server.ConnectionString);
await SchemaMigrator.MigrateAsync(dataSource);
var queue = new RunQueue(dataSource);
var ledger = new Ledger(folder.FullName);
var artifacts = Path.Combine(folder.FullName, "artifacts");
var rows = new List<string[]>();

try
{
    // 1. Worker kill -9s: two workers; every 3 s one is SIGKILLed mid-run and replaced.
    {
        using var workers = new WorkerProcesses(server.ConnectionString, artifacts, LeaseSeconds);
        var runs = await EnqueueAsync(Math.Max(10, kills), steps: 20, pause: 0.25);
        workers.Start(2);
        var clock = Stopwatch.StartNew();
        var random = new Random(1);
        for (var k = 0; k < kills; k++)
        {
            await Task.Delay(3000);
            workers.KillOneAndReplace(random);
        }
        await WaitAllAsync(runs, TimeSpan.FromMinutes(15));
        rows.Add(await RowAsync($"{kills} worker kill -9s (2 workers)", runs, 20, clock.Elapsed));
    }

    // 2. PostgreSQL outages under load: two workers busy with runs while the server is stopped and started again.
    {
        using var workers = new WorkerProcesses(server.ConnectionString, artifacts, LeaseSeconds);
        var runs = await EnqueueAsync(4 + 2 * outages.Length, steps: 40, pause: 0.5);
        workers.Start(2);
        var clock = Stopwatch.StartNew();
        foreach (var seconds in outages)
        {
            await Task.Delay(5000);
            await server.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            server = await EmbeddedPostgres.StartAsync(pgOptions);
        }
        await WaitAllAsync(runs, TimeSpan.FromMinutes(15));
        rows.Add(await RowAsync($"PostgreSQL outages of {string.Join(", ", outages.Select(s => $"{s} s"))} (2 workers)", runs, 40, clock.Elapsed));
    }

    // 3. Racing workers: four workers drain many short runs.
    {
        using var workers = new WorkerProcesses(server.ConnectionString, artifacts, LeaseSeconds);
        var runs = await EnqueueAsync(racingRuns, steps: 5, pause: 0);
        var clock = Stopwatch.StartNew();
        workers.Start(4);
        await WaitAllAsync(runs, TimeSpan.FromMinutes(30));
        rows.Add(await RowAsync($"4 racing workers x {racingRuns} runs", runs, 5, clock.Elapsed));
    }
}
finally
{
    Console.WriteLine();
    Console.WriteLine("| scenario | runs | succeeded | lost (not succeeded) | completed twice | command starts | points expected | points lost | points duplicated | wall time |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
    foreach (var row in rows) Console.WriteLine("| " + string.Join(" | ", row) + " |");
    await dataSource.DisposeAsync();
    await server.DisposeAsync();
    try { folder.Delete(recursive: true); } catch (IOException) { }
}
return 0;

async Task<IReadOnlyList<long>> EnqueueAsync(int count, int steps, double pause)
{
    var family = new CommandFamily();
    var submission = new ExperimentSubmission
    {
        Name = $"reliability {steps}x{pause}",
        Family = family,
        Config = family.WithDefaults(new JsonObject { ["command"] = ledger.Script(steps, pause) }),
        Sweep = new SweepSpec([new SweepAxis("i", Enumerable.Range(0, count).Select(i => (JsonNode?)JsonValue.Create(i)).ToList())], []),
        // A run killed mid-command counts an attempt; 20 kills over few runs may hit one run several times.
        MaxAttempts = 10,
    };
    return (await queue.EnqueueAsync(submission)).RunIds;
}

async Task WaitAllAsync(IReadOnlyList<long> runs, TimeSpan within)
{
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < within)
    {
        try
        {
            await using var command = dataSource.CreateCommand(
                "SELECT count(*) FROM runs WHERE id = ANY($1) AND state NOT IN ('queued', 'scheduled', 'running')");
            command.Parameters.AddWithValue(runs.ToArray());
            if ((long)(await command.ExecuteScalarAsync())! == runs.Count) return;
        }
        catch (NpgsqlException) { }
        await Task.Delay(500);
    }
    Console.WriteLine($"not all runs ended within {within}");
}

async Task<string[]> RowAsync(string name, IReadOnlyList<long> runs, int steps, TimeSpan elapsed)
{
    await using var command = dataSource.CreateCommand("SELECT count(*) FROM runs WHERE id = ANY($1) AND state = 'succeeded'");
    command.Parameters.AddWithValue(runs.ToArray());
    var succeeded = (long)(await command.ExecuteScalarAsync())!;
    var (_, done) = ledger.Read();
    var starts = File.ReadAllLines(ledger.Path).Count(l => l.StartsWith("start ", StringComparison.Ordinal) && runs.Contains(long.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture)));
    var twice = runs.Count(r => done.GetValueOrDefault(r) > 1);
    var queries = new MetricQueries(dataSource);
    long lost = 0, duplicated = 0;
    foreach (var run in runs)
    {
        var points = (await queries.SeriesAsync(run, "loss", maxPoints: 100_000)).Points;
        var distinct = points.Select(p => p.Step).Distinct().Count();
        lost += Enumerable.Range(1, steps).Count(s => !points.Any(p => p.Step == s));
        duplicated += points.Count - distinct;
    }
    Console.WriteLine($"{name}: done in {elapsed.TotalSeconds:0} s");
    return [name, runs.Count.ToString(CultureInfo.InvariantCulture), succeeded.ToString(CultureInfo.InvariantCulture),
        (runs.Count - succeeded).ToString(CultureInfo.InvariantCulture), twice.ToString(CultureInfo.InvariantCulture),
        starts.ToString(CultureInfo.InvariantCulture), (runs.Count * steps).ToString(CultureInfo.InvariantCulture),
        lost.ToString(CultureInfo.InvariantCulture), duplicated.ToString(CultureInfo.InvariantCulture), $"{elapsed.TotalSeconds:0} s"];
}
