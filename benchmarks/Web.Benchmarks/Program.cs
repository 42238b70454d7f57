using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;
using Dashboard.Domain.Metrics;
using Dashboard.Domain.Sweeps;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Database.Embedded;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Queue;
using Dashboard.Web.Components.Charts;
using Dashboard.Web.Components.Metrics;

// Dashboard benchmark: what the compare page costs with 50 overlaid runs of 100,000 points each.
// Fresh embedded PostgreSQL (production settings, fsync on); prints a markdown table.
//   dotnet run -c Release --project benchmarks/Web.Benchmarks [-- --runs 50 --points 100000]
var runCount = Arg("--runs", 50);
var pointsPerRun = Arg("--points", 100_000);
const int ChartPoints = 2000;
var folder = Path.Combine(Path.GetTempPath(), "web-bench-" + Guid.NewGuid().ToString("N"));
await using var server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(folder), _ => { }, CancellationToken.None);
await using var dataSource = DatabaseConnection.Create(server.ConnectionString);
await SchemaMigrator.MigrateAsync(dataSource);
var rows = new List<(string What, string Figure, string Note)>();

// Two stores of the same points: large chunks (a fast trainer's 20,000-point batches) and small ones
// (a worker flushing every 200 ms at 500 steps/s writes 100 points a chunk: 1,000 chunk rows a series).
var family = new CommandFamily();
var queue = new RunQueue(dataSource);
async Task<IReadOnlyList<long>> WriteRunsAsync(int batch)
{
    var enqueued = await queue.EnqueueAsync(new ExperimentSubmission
    {
        Name = $"bench {batch}", Family = family, Config = family.WithDefaults(new JsonObject { ["command"] = "true" }),
        Sweep = SweepSpec.Parse(JsonNode.Parse($$"""{"seeds": {{runCount}}}""")),
    });
    if (batch < 1000)
    {
        // 50,000 small batches through the writer would take minutes here; lay the same chunk rows down in SQL.
        await using var series = dataSource.CreateCommand("""
            INSERT INTO metric_series (run_id, key, count, max_step, last_value, min_value, max_value)
            SELECT id, 'loss', $2, $2 - 1, 0.3, 0.3, 2.8 FROM unnest($1::bigint[]) AS id
            """);
        series.Parameters.AddWithValue(enqueued.RunIds.ToArray());
        series.Parameters.AddWithValue((long)pointsPerRun);
        await series.ExecuteNonQueryAsync();
        await using var chunks = dataSource.CreateCommand("""
            INSERT INTO metric_chunks (series_id, first_step, last_step, step_stride, steps, "values", wall_times)
            SELECT s.id, c * $2, c * $2 + $2 - 1, 1, NULL,
                   ARRAY(SELECT 2.5 * exp(-(c * $2 + k) / 20000.0) + 0.3 + 0.05 * sin((c * $2 + k) * 0.37) FROM generate_series(0, $2 - 1) k),
                   ARRAY(SELECT extract(epoch FROM now()) + (c * $2 + k) * 0.05 FROM generate_series(0, $2 - 1) k)
            FROM metric_series s, generate_series(0, $3 / $2 - 1) c WHERE s.run_id = ANY($1)
            """);
        chunks.CommandTimeout = 600;
        chunks.Parameters.AddWithValue(enqueued.RunIds.ToArray());
        chunks.Parameters.AddWithValue((long)batch);
        chunks.Parameters.AddWithValue((long)pointsPerRun);
        await chunks.ExecuteNonQueryAsync();
        return enqueued.RunIds;
    }
    var writer = new MetricWriter(dataSource);
    var start = DateTimeOffset.UtcNow;
    foreach (var (run, r) in enqueued.RunIds.Select((id, i) => (id, i)))
        for (var from = 0; from < pointsPerRun; from += batch)
            await writer.WriteAsync(Enumerable.Range(from, Math.Min(batch, pointsPerRun - from))
                .Select(s => new MetricPoint(run, "loss", s, 2.5 * Math.Exp(-s / (20_000.0 + 500 * r)) + 0.3 + 0.05 * Math.Sin(s * 0.37), start.AddMilliseconds(s * 50.0)))
                .ToList());
    return enqueued.RunIds;
}
var bulk = await WriteRunsAsync(20_000);
var trickled = await WriteRunsAsync(100);
await using (var vacuum = dataSource.CreateCommand("VACUUM ANALYZE")) await vacuum.ExecuteNonQueryAsync();

var queries = new MetricQueries(dataSource);
var total = (long)runCount * pointsPerRun;

// Floors. Bytes: the points a chart draws, each x as a float32 step and y as a float64 (a diverging run's gain
// overflows float32). Time: PostgreSQL must hand over every stored value and wall time (16 B a point; steps are a stride).
var floorBytes = (long)runCount * ChartPoints * (4 + 8);
var floors = new Dictionary<IReadOnlyList<long>, double> { [bulk] = await ReadFloorAsync(bulk), [trickled] = await ReadFloorAsync(trickled) };
rows.Add(("floor: read the stored arrays of 50 × 100,000 points, 20,000-point chunks (median of 5)", Ms(floors[bulk]),
    $"{total * 16 / 1e6:F0} MB (values, wall times) out of PostgreSQL in one SELECT, decoded, nothing else done"));
rows.Add(("floor: the same, 100-point chunks (median of 5)", Ms(floors[trickled]), "50,000 chunk rows instead of 250"));

// 1. The compare page's load: one query per key for all runs, each series downsampled to ≤ 2,000 points.
foreach (var (name, ids) in new[] { ("20,000-point chunks", bulk), ("100-point chunks", trickled) })
{
    var times = new List<double>();
    IReadOnlyDictionary<long, Series> series = new Dictionary<long, Series>();
    for (var i = 0; i < 5; i++)
    {
        var clock = Stopwatch.StartNew();
        series = await queries.SeriesForRunsAsync(ids, "loss", ChartPoints);
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    rows.Add(($"load 50 runs × 100,000 points, downsampled to ≤ 2,000 each, one query ({name}, median of 5)", Ms(Median(times)),
        $"{series.Values.Sum(s => s.Points.Count):N0} points returned; {Median(times) / floors[ids]:F2}× its read floor"));
}

// 2. The same, one query per run (what the API's series endpoint does), for contrast.
{
    var times = new List<double>();
    for (var i = 0; i < 3; i++)
    {
        var clock = Stopwatch.StartNew();
        foreach (var id in bulk) await queries.SeriesAsync(id, "loss", ChartPoints);
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    rows.Add(("same, one query per run (median of 3)", Ms(Median(times)), "50 round trips"));
}

// 3. Whole page load through the live chart set (keys, series, x values), and the bytes it sends to the browser.
foreach (var maxPoints in new[] { ChartPoints, 1000 })
{
    var set = new LiveChartSet(queries, keys => MetricGroups.ForComparison(bulk, keys, id => $"bench · run {id} (seed={id})"), maxPoints);
    var times = new List<double>();
    for (var i = 0; i < 5; i++)
    {
        var clock = Stopwatch.StartNew();
        await set.LoadAsync(bulk, XAxisMode.Step);
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    var traces = set.Groups.Single().Drawn;
    var (binary, json) = PayloadBytes(traces);
    var floor = (long)runCount * maxPoints * 12;
    rows.Add(($"compare page load, ≤ {maxPoints:N0} points a line (median of 5)", Ms(Median(times)),
        $"keys + series + x values for {traces.Count} lines, {traces.Sum(t => t.X.Count):N0} points"));
    rows.Add(($"bytes sent to the browser, ≤ {maxPoints:N0} points a line", $"{binary / 1e6:F2} MB",
        $"floor {floor / 1e6:F2} MB ({binary / (double)floor:F2}×); as JSON numbers it would be {json / 1e6:F2} MB"));
    if (maxPoints == ChartPoints) floorBytes = floor;
}

// 3b. The same page in "aggregate by config" mode: the same one query per key, then each config's seeds aligned on one
// step grid and summarised (median, IQR, min–max) on the server; the browser gets 5 traces a config instead of a line a run.
var perRunMs = new Dictionary<int, double>();
foreach (var maxPoints in new[] { ChartPoints, 1000 })
{
    var set = new LiveChartSet(queries, keys => MetricGroups.ForComparison(bulk, keys, id => $"bench · run {id} (seed={id})"), maxPoints);
    var times = new List<double>();
    for (var i = 0; i < 5; i++)
    {
        var clock = Stopwatch.StartNew();
        await set.LoadAsync(bulk, XAxisMode.Step);
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    perRunMs[maxPoints] = Median(times);
}
foreach (var (configs, maxPoints) in new[] { (1, ChartPoints), (10, ChartPoints), (10, 1000) })
{
    var groups = bulk.Select((id, i) => (id, i)).GroupBy(x => x.i % configs)
        .Select(g => new BandGroup($"config {g.Key}", g.Select(x => x.id).ToList(), RunColors.Of(g.Key))).ToList();
    var times = new List<double>();
    IReadOnlyList<ChartTrace> traces = [];
    for (var i = 0; i < 5; i++)
    {
        var clock = Stopwatch.StartNew();
        var bands = new SeedBandSet(queries, maxPoints);
        await bands.LoadAsync(groups, ["loss"]);
        traces = SeedBandSet.Traces(bands.Bands("loss", Dashboard.Domain.Comparisons.BandStatistic.MedianIqr), Dashboard.Domain.Comparisons.BandStatistic.MedianIqr, minMax: true);
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    var (binary, _) = PayloadBytes(traces);
    rows.Add(($"compare page load, aggregate by config: {configs} config{(configs == 1 ? "" : "s")} × {runCount / configs} seeds, ≤ {maxPoints:N0} points a run (median of 5)",
        Ms(Median(times)), $"{Median(times) / perRunMs[maxPoints]:F2}× per-run mode's {Ms(perRunMs[maxPoints])} measured alongside; " +
        $"{traces.Count} traces (median, IQR and min–max edges), {traces.Sum(t => t.X.Count):N0} points"));
    rows.Add(($"bytes sent to the browser, aggregate by config ({configs} config{(configs == 1 ? "" : "s")}, ≤ {maxPoints:N0} points a run)",
        $"{binary / 1e6:F2} MB", $"per-run mode sends {(long)runCount * maxPoints * 12 / 1e6:F2} MB for the same runs"));
}

// 4. A live refresh: every run stored 10 more steps; fetch only those and append.
{
    var set = new LiveChartSet(queries, keys => MetricGroups.ForComparison(bulk, keys, id => $"run {id}"), ChartPoints);
    await set.LoadAsync(bulk, XAxisMode.Step);
    var writer = new MetricWriter(dataSource);
    var times = new List<double>();
    long appendBytes = 0;
    for (var round = 0; round < 5; round++)
    {
        var now = DateTimeOffset.UtcNow;
        var from = pointsPerRun + round * 10;
        await writer.WriteAsync(bulk.SelectMany(id => Enumerable.Range(from, 10).Select(s => new MetricPoint(id, "loss", s, 0.3, now))).ToList());
        var clock = Stopwatch.StartNew();
        var update = await set.FetchNewAsync(bulk);
        times.Add(clock.Elapsed.TotalMilliseconds);
        appendBytes = update.Appends.Sum(a => a.Xs.Sum(x => x.Count * 4L) + a.Ys.Sum(y => y.Count * 8L));
    }
    rows.Add(("live refresh: 50 running runs each stored 10 new steps (median of 5)", Ms(Median(times)),
        $"keys of 50 runs + 50 \"after step N\" reads; {appendBytes:N0} B appended in the browser"));
}

Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, PostgreSQL {server.ServerVersion} (embedded, fsync on); " +
                  $"{runCount} runs × {pointsPerRun:N0} points, one key");
Console.WriteLine();
Console.WriteLine("| measure | figure | note |");
Console.WriteLine("|---|---|---|");
foreach (var row in rows) Console.WriteLine($"| {row.What} | {row.Figure} | {row.Note} |");
Console.WriteLine();
Console.WriteLine($"Byte floor for 50 lines of ≤ {ChartPoints:N0} points: {floorBytes:N0} B (float32 step + float64 value per point).");
await dataSource.DisposeAsync();
Directory.Delete(folder, recursive: true);
return;

async Task<double> ReadFloorAsync(IReadOnlyList<long> ids)
{
    var times = new List<double>();
    for (var i = 0; i < 5; i++)
    {
        var clock = Stopwatch.StartNew();
        await using var command = dataSource.CreateCommand("""
            SELECT c."values", c.wall_times FROM metric_chunks c JOIN metric_series s ON s.id = c.series_id
            WHERE s.run_id = ANY($1) AND s.key = 'loss'
            """);
        command.Parameters.AddWithValue(ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) { reader.GetFieldValue<double[]>(0); reader.GetFieldValue<double[]>(1); }
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    return Median(times);
}

// What Chart.razor hands to JS interop: Blazor sends byte[] as binary, the rest (names, modes) as JSON.
static (long Binary, long Json) PayloadBytes(IReadOnlyList<ChartTrace> traces)
{
    var bits = ChartPayload.XBits(traces.Select(t => t.X));
    long binary = 0;
    foreach (var t in traces)
    {
        binary += ChartPayload.Encode(t.X, bits).Length + ChartPayload.Encode(t.Y, 64).Length;
        binary += JsonSerializer.SerializeToUtf8Bytes(new { name = t.Name, mode = t.Mode, color = t.Color, xBits = bits }).Length;
    }
    var json = JsonSerializer.SerializeToUtf8Bytes(traces.Select(t => new { name = t.Name, x = t.X, y = t.Y, mode = t.Mode })).LongLength;
    return (binary, json);
}

static string Ms(double ms) => ms >= 1000 ? $"{ms / 1000:F2} s" : $"{ms:F0} ms";

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

int Arg(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}
