using System.Diagnostics;
using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;
using Dashboard.Domain.Metrics;
using Dashboard.Domain.Scheduling;
using Dashboard.Domain.Sweeps;
using Dashboard.Domain.Workers;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Database.Embedded;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Queue;
using Dashboard.Infrastructure.Workers;
using Npgsql;

// Platform benchmark: enqueue, claim throughput, metric ingestion, downsampled query.
// Runs against a fresh embedded PostgreSQL with production settings (fsync on). Prints a markdown table.
//   dotnet run -c Release --project benchmarks/Platform.Benchmarks [-- --points 2000000]
var points = args.Length > 1 && args[0] == "--points" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 4_000_000;
var folder = Path.Combine(Path.GetTempPath(), "platform-bench-" + Guid.NewGuid().ToString("N"));
await using var server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(folder), _ => { }, CancellationToken.None);
await using var dataSource = DatabaseConnection.Create(server.ConnectionString);
await SchemaMigrator.MigrateAsync(dataSource);
var queue = new RunQueue(dataSource);
var rows = new List<(string What, string Figure, string Goal, string Note)>();

// 1. Enqueue a 1,000-run sweep (experiment + runs, one transaction).
var sweep = SweepSpec.Parse(JsonNode.Parse("""{"axes": {"lr": [1,2,3,4,5,6,7,8,9,10], "depth": [1,2,3,4,5,6,7,8,9,10]}, "seeds": 10}"""));
var family = new CommandFamily();
ExperimentSubmission Submission(SweepSpec s) => new()
{
    Name = "bench", Family = family, Config = family.WithDefaults(new JsonObject { ["command"] = "true" }), Sweep = s,
};
await queue.EnqueueAsync(Submission(sweep)); // warm-up
var enqueueTimes = new List<double>();
for (var i = 0; i < 5; i++)
{
    var clock = Stopwatch.StartNew();
    await queue.EnqueueAsync(Submission(sweep));
    enqueueTimes.Add(clock.Elapsed.TotalMilliseconds);
}
rows.Add(("enqueue a 1,000-run sweep (median of 5)", $"{Median(enqueueTimes):F0} ms", "one transaction", "experiment + 1,000 runs"));

// 2. Claims per second with 8 concurrent claimers (claim + complete, as a worker does).
await using (var clear = dataSource.CreateCommand("UPDATE runs SET state = 'cancelled' WHERE state = 'queued'"))
    await clear.ExecuteNonQueryAsync();
await queue.EnqueueAsync(Submission(SweepSpec.Parse(JsonNode.Parse("""{"seeds": 4000}"""))));
var registry = new WorkerRegistry(dataSource);
var workers = new List<long>();
for (var i = 0; i < 8; i++)
    workers.Add(await registry.RegisterAsync(new WorkerInfo { Name = $"bench-{i}", Host = "bench", Device = "cpu" }));
var claimed = 0;
var claimClock = Stopwatch.StartNew();
await Task.WhenAll(workers.Select(w => Task.Run(async () =>
{
    while (await queue.ClaimAsync(w, WorkerDevice.Cpu) is { } run)
    {
        await queue.CompleteAsync(run.Lease, RunCompletion.Succeeded);
        Interlocked.Increment(ref claimed);
    }
})));
var claimRate = claimed / claimClock.Elapsed.TotalSeconds;
rows.Add(("claims per second, 8 concurrent claimers", $"{claimRate:F0} /s", "", $"{claimed} runs, each claimed once and completed"));

// 3. Metric ingestion: batches of 20,000 points (a worker's batch size) over one run, 4 keys.
long runId;
await using (var first = dataSource.CreateCommand("SELECT min(id) FROM runs")) runId = (long)(await first.ExecuteScalarAsync())!;
var writer = new MetricWriter(dataSource);
var start = DateTimeOffset.UtcNow;
string[] keys = ["loss", "val/loss", "grad_norm", "lr"];
var batches = new List<List<MetricPoint>>();
for (var step = 0; step < points / keys.Length; step += 5000)
    batches.Add(Enumerable.Range(step, 5000).SelectMany(s => keys.Select((k, i) => new MetricPoint(runId, k, s, Math.Exp(-s / 1e5) + i, start.AddMilliseconds(s)))).ToList());
var ingestClock = Stopwatch.StartNew();
foreach (var batch in batches) await writer.WriteAsync(batch);
var ingestRate = points / ingestClock.Elapsed.TotalSeconds;
long tableBytes;
await using (var size = dataSource.CreateCommand("SELECT pg_total_relation_size('metric_chunks') + pg_total_relation_size('metric_series')"))
    tableBytes = (long)(await size.ExecuteScalarAsync())!;
rows.Add(("metric ingestion, batches of 20,000", $"{ingestRate:N0} points/s", "≥ 250,000 points/s",
    $"{points:N0} points; stored {tableBytes / (double)points:F0} B/point (chunks of arrays, TOAST included) against 24 B of payload (step, value, wall time)"));

// 4. Downsampled query of one 1,000,000-point series.
await using (var vacuum = dataSource.CreateCommand("VACUUM ANALYZE metric_chunks")) await vacuum.ExecuteNonQueryAsync();
var queries = new MetricQueries(dataSource);
var count = (await queries.SeriesAsync(runId, "loss", 1000)).RawCount;
var queryTimes = new List<double>();
int returned = 0;
for (var i = 0; i < 10; i++)
{
    var clock = Stopwatch.StartNew();
    returned = (await queries.SeriesAsync(runId, "loss", 1000)).Points.Count;
    queryTimes.Add(clock.Elapsed.TotalMilliseconds);
}
rows.Add(($"downsampled query of one {count:N0}-point series to ≤ 1,000 points (median of 10)", $"{Median(queryTimes):F0} ms",
    "≤ 200 ms", $"{returned} points returned; min/max buckets computed in C# while the chunks are decoded"));

Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, PostgreSQL {server.ServerVersion} (embedded, fsync on)");
Console.WriteLine();
Console.WriteLine("| measure | figure | goal | note |");
Console.WriteLine("|---|---|---|---|");
foreach (var row in rows) Console.WriteLine($"| {row.What} | {row.Figure} | {row.Goal} | {row.Note} |");
Directory.Delete(folder, recursive: true);
return;

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}
