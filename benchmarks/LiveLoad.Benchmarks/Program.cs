using System.Globalization;
using Dashboard.Domain.Scheduling;
using Dashboard.LiveLoad.Benchmarks;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Hosting;

// Twenty remote GPU workers in one process, for live-latency.sh (LOADGEN=1): each is the worker's own WorkerLoop
// (register, claim, lease and 1 s heartbeat, MetricBatcher → MetricWriter COPY + NOTIFY, completion), registered
// as a CUDA worker so that it takes the benchmark's cuda runs and the web host's local CPU worker takes none; the
// training script is EmittingExecutor. What runs on this machine is what a web host serves for workers elsewhere
// (PostgreSQL's side of every write, the LISTEN feed, the pages), plus this process's small client side of the
// writes, which remote workers would not add.
//   ConnectionStrings__Dashboard=… Dashboard__ArtifactsDirectory=… dotnet Dashboard.LiveLoad.Benchmarks.dll \
//     --workers 20 --steps 80 --interval 0.25 --warmup 15
// Prints "ready: N workers registered" once all are waiting for runs; exits when each has finished one run.
var settings = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["--workers"] = "20", ["--steps"] = "80", ["--interval"] = "0.25", ["--warmup"] = "0",
};
for (var i = 0; i < args.Length; i++)
{
    if (!settings.ContainsKey(args[i]) || i + 1 == args.Length)
        return Usage($"'{args[i]}' is not an option with a value.");
    settings[args[i]] = args[++i];
}
if (!int.TryParse(settings["--workers"], CultureInfo.InvariantCulture, out var workers) || workers is < 1 or > 200)
    return Usage("--workers must be a whole number from 1 to 200.");
if (!int.TryParse(settings["--steps"], CultureInfo.InvariantCulture, out var steps) || steps < 1)
    return Usage("--steps must be a whole number of at least 1.");
if (!double.TryParse(settings["--interval"], CultureInfo.InvariantCulture, out var interval) || !(interval is > 0 and < 3600))
    return Usage("--interval must be seconds between 0 and 3600, e.g. 0.25.");
if (!double.TryParse(settings["--warmup"], CultureInfo.InvariantCulture, out var warmup) || !(warmup is >= 0 and < 3600))
    return Usage("--warmup must be seconds from 0 to 3600.");
var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Dashboard");
if (string.IsNullOrWhiteSpace(connectionString))
    return Usage("set ConnectionStrings__Dashboard to the dashboard's database (live-latency.sh does).");
var artifacts = Environment.GetEnvironmentVariable("Dashboard__ArtifactsDirectory") is { Length: > 0 } a ? a : Path.Combine(".data", "artifacts");

void Log(string line) => Console.WriteLine($"{DateTimeOffset.Now:HH:mm:ss.fff} {line}");

using var shutdown = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; shutdown.Cancel(); };
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; shutdown.Cancel(); });

await using var database = await WorkerStart.OpenDatabaseAsync(connectionString, Log, shutdown.Token);
if (database is null) return 0;
var executors = new RunExecutorCatalogue([new EmittingExecutor(steps, TimeSpan.FromSeconds(interval), TimeSpan.FromSeconds(warmup))]);
// An 80 GB card, as a remote training host would report it; the benchmark's runs ask for "cuda" (no memory minimum).
var device = new WorkerDevice(DeviceKind.Cuda, 0, GpuMemoryMb: 81_559, GpuName: "load generator (stands for a remote GPU)");
var loops = Enumerable.Range(1, workers).Select(i => new WorkerLoop(new WorkerOptions
{
    ConnectionString = connectionString,
    Name = $"remote-{i}",
    DeviceName = device.Name,
    ArtifactsDirectory = artifacts,
    MaxRuns = 1,
}, device, database.DataSource, executors, Log)).ToList();
var running = loops.Select(loop => loop.RunAsync(shutdown.Token)).ToList();
while (loops.Any(loop => loop.WorkerId == 0) && !running.Any(task => task.IsCompleted))
    await Task.Delay(50);
Log($"ready: {loops.Count(loop => loop.WorkerId != 0)} workers registered");
await Task.WhenAll(running);
Log("done");
return 0;

static int Usage(string problem)
{
    Console.Error.WriteLine(problem);
    Console.Error.WriteLine("Usage: Dashboard.LiveLoad.Benchmarks [--workers N] [--steps N] [--interval SECONDS] [--warmup SECONDS]");
    return 2;
}
