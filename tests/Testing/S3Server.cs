using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Dashboard.Infrastructure.Artifacts.Remote;

namespace Dashboard.Testing;

/// <summary>
/// A real S3-compatible server for the tests: s3rver (npm, installed in tests/Clients by the test script), one per
/// test process, started on first use on a free loopback port over a temp folder and stopped at process exit (a
/// watchdog shell stops it too if the test process is killed). Each caller gets a bucket of its own.
/// </summary>
public static class S3Server
{
    /// <summary>s3rver's built-in credentials.</summary>
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Uri? _address;

    public static async Task<Uri> AddressAsync()
    {
        if (_address is not null) return _address;
        await Gate.WaitAsync();
        try
        {
            return _address ??= await StartAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Settings for a new, empty bucket (named after <paramref name="prefix"/>) on the server.</summary>
    public static async Task<S3Settings> CreateBucketAsync(string prefix = "test")
    {
        var address = await AddressAsync();
        var name = $"b{new string(prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(20).ToArray())}-{Guid.NewGuid():N}";
        using var client = Client(address);
        await client.PutBucketAsync(name);
        return new S3Settings
        {
            ServiceUrl = address, Bucket = name, AccessKey = AccessKey, SecretKey = SecretKey, ForcePathStyle = true,
            // s3rver does not hold parts to S3's 5 MiB minimum: small parts keep multipart tests quick.
            PartSizeBytes = 256 << 10,
        };
    }

    /// <summary>The configuration keys (for the web app or a worker's environment) that select <paramref name="settings"/>.</summary>
    public static Dictionary<string, string> Configuration(S3Settings settings, string separator = ":") => new()
    {
        [$"Dashboard{separator}Artifacts{separator}Store"] = "s3",
        [$"Dashboard{separator}Artifacts{separator}S3{separator}ServiceUrl"] = settings.ServiceUrl!.ToString(),
        [$"Dashboard{separator}Artifacts{separator}S3{separator}Bucket"] = settings.Bucket,
        [$"Dashboard{separator}Artifacts{separator}S3{separator}Prefix"] = settings.Prefix,
        [$"Dashboard{separator}Artifacts{separator}S3{separator}AccessKey"] = AccessKey,
        [$"Dashboard{separator}Artifacts{separator}S3{separator}SecretKey"] = SecretKey,
    };

    /// <summary>A plain S3 client of the server, for looking at what the dashboard stored.</summary>
    public static AmazonS3Client Client(Uri address) => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = address.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    private static async Task<Uri> StartAsync()
    {
        var script = Path.Combine(RepositoryRoot(), "tests", "Clients", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
            throw new InvalidOperationException($"s3rver is not installed ({script}); run ./scripts/test once (npm ci in tests/Clients).");
        var folder = Directory.CreateTempSubdirectory("s3rver-").FullName;
        // s3rver makes list continuation tokens with a cipher OpenSSL 3 keeps in its legacy provider.
        var port = FreePort();
        var start = new ProcessStartInfo("node", ["--openssl-legacy-provider", script, "-d", folder, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-s", "--no-vhost-buckets"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        StartWatchdog(process.Id, folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { process.Kill(); } catch (InvalidOperationException) { }
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"s3rver exited with code {process.ExitCode} before it listened.");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return new Uri($"http://127.0.0.1:{port}/");
            }
            catch (SocketException) when (waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dashboard.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("The repository root (Dashboard.sln) is not above the test's folder.");
    }

    private static void StartWatchdog(int serverPid, string folder)
    {
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; kill {serverPid} 2>/dev/null; sleep 1; rm -rf '{folder}'";
        using var watchdog = Process.Start(new ProcessStartInfo("setsid", ["sh", "-c", script])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        });
    }
}
