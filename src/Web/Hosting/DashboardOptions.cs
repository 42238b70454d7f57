using System.Globalization;
using Dashboard.Infrastructure.Artifacts.Remote;
using Dashboard.Infrastructure.Queue;

namespace Dashboard.Web.Hosting;

/// <summary>
/// The web app's settings, from the "Dashboard" configuration section (environment: Dashboard__DataDirectory …).
/// The database comes from ConnectionStrings:Dashboard; when that is empty an embedded PostgreSQL is started.
/// </summary>
public sealed record DashboardOptions
{
    /// <summary>Embedded PostgreSQL cluster and, by default, artifacts live here.</summary>
    public string DataDirectory { get; init; } = ".data";
    public string? ArtifactsDirectory { get; init; }
    /// <summary>The S3-compatible bucket artifacts are kept in (Dashboard:Artifacts:Store=s3); null: the local folder.</summary>
    public S3Settings? ArtifactBucket { get; init; }
    /// <summary>Local time at which "tonight" runs start.</summary>
    public TimeOnly TonightAt { get; init; } = new(22, 0);
    public QueueOptions Queue { get; init; } = new();
    /// <summary>Path of the worker (Dashboard.Worker.dll or its executable) to start beside the web app; empty: none.</summary>
    public string? LocalWorkerPath { get; init; }
    /// <summary>Device of the local worker: "cpu" or "cuda:N".</summary>
    public string LocalWorkerDevice { get; init; } = "cpu";

    public string ArtifactsPath => ArtifactsDirectory is { Length: > 0 } a ? a : Path.Combine(DataDirectory, "artifacts");

    public static DashboardOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Dashboard");
        var defaults = new DashboardOptions();
        return new DashboardOptions
        {
            DataDirectory = section["DataDirectory"] is { Length: > 0 } d ? d : defaults.DataDirectory,
            ArtifactsDirectory = section["ArtifactsDirectory"],
            ArtifactBucket = S3Settings.From(key => section["Artifacts:" + key]),
            TonightAt = section["TonightAt"] is { Length: > 0 } t
                ? TimeOnly.Parse(t, CultureInfo.InvariantCulture)
                : defaults.TonightAt,
            Queue = new QueueOptions
            {
                LeaseDuration = Seconds(section, "Queue:LeaseSeconds") ?? defaults.Queue.LeaseDuration,
                HeartbeatInterval = Seconds(section, "Queue:HeartbeatSeconds") ?? defaults.Queue.HeartbeatInterval,
                RetryBackoffBase = Seconds(section, "Queue:RetryBackoffSeconds") ?? defaults.Queue.RetryBackoffBase,
            },
            LocalWorkerPath = section["LocalWorker:Path"],
            LocalWorkerDevice = section["LocalWorker:Device"] is { Length: > 0 } device ? device : defaults.LocalWorkerDevice,
        };
    }

    private static TimeSpan? Seconds(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } text ? TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture)) : null;
}
