using System.Globalization;

namespace Dashboard.Infrastructure.Artifacts.Remote;

/// <summary>
/// Where an S3-compatible artifact store is (MinIO, Ceph's RGW, a cloud store) and how to talk to it, from the
/// <c>Dashboard:Artifacts</c> configuration section: <c>Store=s3</c> and <c>S3:ServiceUrl</c>, <c>S3:Bucket</c>,
/// <c>S3:Prefix</c>, <c>S3:AccessKey</c>/<c>S3:SecretKey</c> (else the standard <c>AWS_ACCESS_KEY_ID</c> and
/// <c>AWS_SECRET_ACCESS_KEY</c>), <c>S3:Region</c>, <c>S3:ForcePathStyle</c>, <c>S3:PartSizeMiB</c>,
/// <c>S3:CheckpointSeconds</c>. The web app and every worker read the same keys.
/// </summary>
public sealed record S3Settings
{
    /// <summary>The smallest part S3 accepts (all but the last part of a multipart upload).</summary>
    public const long MinPartSize = 5L << 20;

    /// <summary>The endpoint, e.g. http://minio:9000; null: the cloud store of <see cref="Region"/>.</summary>
    public Uri? ServiceUrl { get; init; }
    public required string Bucket { get; init; }
    /// <summary>Keys start with it (e.g. "dashboard/"), so one bucket can hold several dashboards.</summary>
    public string Prefix { get; init; } = "";
    public string? AccessKey { get; init; }
    public string? SecretKey { get; init; }
    public string Region { get; init; } = "us-east-1";
    /// <summary>bucket in the path (MinIO, Ceph and most self-hosted stores) rather than in the host name.</summary>
    public bool ForcePathStyle { get; init; } = true;
    /// <summary>Files larger than one part go up as multipart uploads of parts this size (a journal lets another uploader resume them).</summary>
    public long PartSizeBytes { get; init; } = 16L << 20;
    /// <summary>How often a worker uploads the checkpoints a running built-in family wrote, so another host can resume from them.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reads the settings through <paramref name="setting"/> (keys relative to <c>Dashboard:Artifacts</c>): null when
    /// the store is the local folder (no <c>Store</c>, or <c>Store=local</c>); an <see cref="ArgumentException"/>
    /// naming the key for anything else that is wrong, so a misconfigured process stops at start.
    /// </summary>
    public static S3Settings? From(Func<string, string?> setting, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var store = setting("Store");
        if (string.IsNullOrWhiteSpace(store) || store.Equals("local", StringComparison.OrdinalIgnoreCase)) return null;
        if (!store.Equals("s3", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Dashboard:Artifacts:Store is '{store}'; use 'local' (the default) or 's3'.");
        var bucket = setting("S3:Bucket");
        if (string.IsNullOrWhiteSpace(bucket))
            throw new ArgumentException("Dashboard:Artifacts:Store is 's3' but Dashboard:Artifacts:S3:Bucket is not set.");
        Uri? url = null;
        if (setting("S3:ServiceUrl") is { Length: > 0 } text
            && (!Uri.TryCreate(text, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https")))
            throw new ArgumentException($"Dashboard:Artifacts:S3:ServiceUrl '{text}' is not an http(s) address.");
        var accessKey = setting("S3:AccessKey") is { Length: > 0 } a ? a : environment("AWS_ACCESS_KEY_ID");
        var secretKey = setting("S3:SecretKey") is { Length: > 0 } s ? s : environment("AWS_SECRET_ACCESS_KEY");
        if (string.IsNullOrEmpty(accessKey) != string.IsNullOrEmpty(secretKey))
            throw new ArgumentException("Dashboard:Artifacts:S3:AccessKey and S3:SecretKey (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) go together: one is missing.");
        var prefix = setting("S3:Prefix")?.Trim('/') ?? "";
        var defaults = new S3Settings { Bucket = bucket };
        return defaults with
        {
            ServiceUrl = url,
            Prefix = prefix.Length == 0 ? "" : prefix + "/",
            AccessKey = string.IsNullOrEmpty(accessKey) ? null : accessKey,
            SecretKey = string.IsNullOrEmpty(secretKey) ? null : secretKey,
            Region = setting("S3:Region") is { Length: > 0 } region ? region : environment("AWS_REGION") is { Length: > 0 } r ? r : defaults.Region,
            ForcePathStyle = Flag(setting("S3:ForcePathStyle"), "S3:ForcePathStyle") ?? defaults.ForcePathStyle,
            PartSizeBytes = Number(setting("S3:PartSizeMiB"), "S3:PartSizeMiB", 5, 5 * 1024) is { } mib ? mib << 20 : defaults.PartSizeBytes,
            CheckpointInterval = Number(setting("S3:CheckpointSeconds"), "S3:CheckpointSeconds", 1, 86_400) is { } seconds
                ? TimeSpan.FromSeconds(seconds) : defaults.CheckpointInterval,
        };
    }

    private static bool? Flag(string? text, string key) => text switch
    {
        null or "" => null,
        _ when bool.TryParse(text, out var value) => value,
        _ => throw new ArgumentException($"Dashboard:Artifacts:{key} '{text}' is not true or false."),
    };

    private static long? Number(string? text, string key, long min, long max) => text switch
    {
        null or "" => null,
        _ when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max => n,
        _ => throw new ArgumentException($"Dashboard:Artifacts:{key} '{text}' must be a whole number from {min} to {max}."),
    };

    /// <summary>For messages: where the store is, never its keys.</summary>
    public override string ToString() => $"bucket '{Bucket}'{(Prefix.Length > 0 ? $" under '{Prefix}'" : "")} at {ServiceUrl?.ToString() ?? $"the cloud store of {Region}"}";
}
