using Dashboard.Infrastructure.Database;
using System.Diagnostics;

namespace Dashboard.Web.Hosting;

/// <summary>
/// Starts one worker process beside the web app (the single-machine set-up of the README's first command),
/// handing it the database connection; restarts it if it dies, and stops it with the app.
/// Web never loads native code itself: training happens in that separate process.
/// </summary>
public sealed class LocalWorker(DashboardOptions options, DatabaseConnection database, IConfiguration configuration, ILogger<LocalWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.LocalWorkerPath is not { Length: > 0 } path) return;
        if (!File.Exists(path))
        {
            log.LogError("Local worker not found at {Path}; no runs will execute until a worker is started", path);
            return;
        }
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            using var process = Start(path);
            log.LogInformation("Started local worker (pid {Pid}, device {Device})", process.Id, options.LocalWorkerDevice);
            try
            {
                await process.WaitForExitAsync(stoppingToken);
                failures = process.ExitCode == 0 ? 0 : failures + 1;
                log.LogWarning("Local worker exited with code {Code}; restarting", process.ExitCode);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(failures, 5))), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                await StopAsync(process);
                return;
            }
        }
    }

    private Process Start(string path)
    {
        var dll = path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(dll ? "dotnet" : path) { UseShellExecute = false };
        if (dll) start.ArgumentList.Add(path);
        foreach (var arg in new[] { "--device", options.LocalWorkerDevice, "--name", $"{Environment.MachineName}-local" })
            start.ArgumentList.Add(arg);
        start.Environment["ConnectionStrings__Dashboard"] = database.ConnectionString;
        start.Environment["Dashboard__ArtifactsDirectory"] = Path.GetFullPath(options.ArtifactsPath);
        // The same artifact store as the web app (an S3 bucket where one is configured), however it was configured.
        foreach (var (key, value) in configuration.GetSection("Dashboard:Artifacts").AsEnumerable(makePathsRelative: true))
            if (value is not null) start.Environment["Dashboard__Artifacts__" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        start.Environment["Dashboard__Queue__LeaseSeconds"] = options.Queue.LeaseDuration.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start the worker at {path}.");
    }

    /// <summary>SIGTERM first so the worker can hand its run back; then kill.</summary>
    private async Task StopAsync(Process process)
    {
        if (process.HasExited) return;
        try
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(wait.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            log.LogWarning("Local worker did not stop in time; killing it");
            process.Kill(entireProcessTree: true);
        }
    }
}
