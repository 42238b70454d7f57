using Dashboard.Infrastructure.Database;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Execution.Commands;
using Dashboard.Worker.Experiments.Hhml;
using Dashboard.Worker.Experiments.Harmonic;
using Dashboard.Worker.Experiments.NGpt;
using Dashboard.Worker.Experiments.ResidualStreams;
using Dashboard.Worker.Experiments.SympScale;
using Dashboard.Worker.Hosting;
using Microsoft.Extensions.Configuration;

// A worker process: one per GPU (--device cuda:N) or one on the CPU (--device cpu).
var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables()
    .AddCommandLine(args, new Dictionary<string, string> { ["-d"] = "device", ["-n"] = "name" })
    .Build();

void Log(string line) => Console.WriteLine($"{DateTimeOffset.Now:HH:mm:ss} {line}");

WorkerOptions options;
try
{
    options = WorkerOptions.From(configuration);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine("Usage: Dashboard.Worker --device cpu|cuda:N [--name NAME] [--max-runs N]");
    return 2;
}

using var shutdown = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; shutdown.Cancel(); };
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; shutdown.Cancel(); });

ProcessPrivacy.HideFromSameAccount();
var device = DeviceProbe.Probe(options.DeviceName);
await using var database = await WorkerStart.OpenDatabaseAsync(options.ConnectionString, Log, shutdown.Token);
if (database is null) return 0;
var commands = new CommandExecutorOptions { RunAccount = RunAccount.ForThisWorker(options.RunAccount, Log) };
if (commands.RunAccount is { } account) Log($"Commands run as the unprivileged account '{account.Name}'.");
var executors = new RunExecutorCatalogue([new CommandExecutor(commands), new ResidualStreamsExecutor(), new NGptExecutor(options.CorpusDirectory, Path.Combine(options.ArtifactsDirectory, "cache", "tokens")), new HhmlExecutor(), new HarmonicExecutor(options.CorpusDirectory), new SympScaleExecutor()]);
try
{
    await new WorkerLoop(options, device, database.DataSource, executors, Log, options.Attempt).RunAsync(shutdown.Token);
}
catch (Dashboard.Infrastructure.Artifacts.Remote.ArtifactStoreUnreachableException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
return 0;
