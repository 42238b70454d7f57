using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3.Model;
using Dashboard.Infrastructure.Artifacts;
using Dashboard.Infrastructure.Artifacts.Remote;
using Dashboard.Infrastructure.Tests.Queue;
using Dashboard.Testing;

namespace Dashboard.Infrastructure.Tests.Artifacts;

/// <summary>
/// The artifact store over a real S3-compatible server (s3rver, started by the test run): a worker's folder goes
/// to the bucket under the same confinement as the local store, a reader with another (empty) folder streams the
/// bytes back, and a multipart upload cut short is completed by the next uploader from the parts already there.
/// </summary>
public sealed class S3ArtifactStoreTests : QueueTestBase, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "s3-store-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private async Task<(S3Settings Settings, long Run)> BucketAndRunAsync() =>
        (await S3Server.CreateBucketAsync("store"), (await Queue.EnqueueAsync(Submissions.Command())).RunIds[0]);

    private ArtifactStore Store(string host, S3Settings settings) =>
        new(DataSource, Path.Combine(_root, host), new S3ArtifactBucket(settings, DataSource));

    private static async Task<List<string>> KeysAsync(S3Settings settings)
    {
        using var client = S3Server.Client(settings.ServiceUrl!);
        var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = settings.Bucket });
        return (listed.S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task A_recorded_folder_is_served_from_the_bucket_to_a_reader_that_cannot_see_the_folder_with_ranges()
    {
        var (settings, run) = await BucketAndRunAsync();
        var worker = Store("worker-host", settings);
        var folder = worker.RunFolder(run);
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        await File.WriteAllTextAsync(Path.Combine(folder, "result.txt"), "0123456789");
        await File.WriteAllTextAsync(Path.Combine(folder, "sub", "notes.md"), "# notes");

        var report = await worker.RecordFolderAsync(run, new RecordingLimits());

        report.Recorded.Select(a => a.Name).Should().Equal("result.txt", "sub/notes.md");
        (await KeysAsync(settings)).Should().Equal($"runs/{run}/result.txt", $"runs/{run}/sub/notes.md");
        var web = Store("web-host", settings);
        Directory.Exists(web.RunFolder(run)).Should().BeFalse();
        var opened = (await web.OpenAsync(run, "result.txt"))!.Value;
        await using (var content = opened.Content)
        {
            opened.Artifact.Sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData("0123456789"u8)));
            content.Length.Should().Be(10);
            content.Seek(6, SeekOrigin.Begin);
            (await new StreamReader(content).ReadToEndAsync()).Should().Be("6789");
            content.Position = 2;
            var two = new byte[3];
            await content.ReadExactlyAsync(two);
            Encoding.ASCII.GetString(two).Should().Be("234");
        }
        (await web.OpenAsync(run, "missing.txt")).Should().BeNull();

        await web.DeleteRunFilesAsync(run);
        (await KeysAsync(settings)).Should().BeEmpty();
    }

    [Fact]
    public async Task Links_and_fifos_are_neither_recorded_nor_uploaded()
    {
        var (settings, run) = await BucketAndRunAsync();
        var worker = Store("worker-host", settings);
        var folder = worker.RunFolder(run);
        Directory.CreateDirectory(folder);
        var secret = Path.Combine(_root, "first-admin.txt");
        await File.WriteAllTextAsync(secret, "password: hunter2");
        await File.WriteAllTextAsync(Path.Combine(folder, "result.txt"), "ok");
        File.CreateSymbolicLink(Path.Combine(folder, "admin.txt"), secret);
        Directory.CreateSymbolicLink(Path.Combine(folder, "everything"), "/");
        using (var mkfifo = Process.Start("mkfifo", Path.Combine(folder, "pipe"))) await mkfifo.WaitForExitAsync();

        var report = await worker.RecordFolderAsync(run, new RecordingLimits()).WaitAsync(TimeSpan.FromSeconds(20));

        report.Recorded.Select(a => a.Name).Should().Equal("result.txt");
        report.Skipped.Should().Contain(s => s.Contains("'admin.txt' is a symbolic link"))
            .And.Contain(s => s.Contains("'pipe' is a FIFO")).And.Contain(s => s.Contains("'everything' is a symbolic link"));
        (await KeysAsync(settings)).Should().Equal($"runs/{run}/result.txt");
        var link = () => worker.RecordExistingAsync(run, "admin.txt");
        await link.Should().ThrowAsync<Dashboard.Infrastructure.Artifacts.Files.LinkRefusedException>();
        (await KeysAsync(settings)).Should().Equal($"runs/{run}/result.txt");
    }

    [Fact]
    public async Task A_multipart_upload_cut_short_is_completed_by_the_next_uploader_without_sending_its_parts_again()
    {
        var (settings, run) = await BucketAndRunAsync();
        var part = (int)settings.PartSizeBytes;
        var bytes = new byte[part * 2 + part / 3];
        new Random(7).NextBytes(bytes);
        const string name = "checkpoints/latest.safetensors";

        // The first worker dies after sending two of its three parts (its file stops being readable there).
        var dying = new S3ArtifactBucket(settings, DataSource);
        var upload = () => dying.UploadAsync(run, name, new DyingStream(bytes, diesAt: 2L * part), bytes.Length, "application/octet-stream");
        await upload.Should().ThrowAsync<IOException>();
        (await KeysAsync(settings)).Should().BeEmpty("nothing is visible until the upload completes");

        // Another worker (another client, the same file) continues the journalled upload.
        var next = new S3ArtifactBucket(settings, DataSource);
        var report = await next.UploadAsync(run, name, new MemoryStream(bytes), bytes.Length, "application/octet-stream");

        report.Should().Be(new S3ArtifactBucket.UploadReport(PartsSent: 1, PartsReused: 2));
        await using var served = (await next.OpenReadAsync(run, name))!;
        var copy = new MemoryStream();
        await served.CopyToAsync(copy);
        copy.ToArray().Should().Equal(bytes);
        (await ScalarAsync<long>("SELECT count(*) FROM artifact_uploads")).Should().Be(0, "a completed upload leaves no journal");
    }

    [Fact]
    public async Task A_resumed_upload_sends_again_a_part_whose_bytes_changed_since()
    {
        var (settings, run) = await BucketAndRunAsync();
        var part = (int)settings.PartSizeBytes;
        var bytes = new byte[part * 2 + 10];
        new Random(8).NextBytes(bytes);
        const string name = "model.bin";
        var upload = () => new S3ArtifactBucket(settings, DataSource)
            .UploadAsync(run, name, new DyingStream(bytes, diesAt: 2L * part), bytes.Length, "application/octet-stream");
        await upload.Should().ThrowAsync<IOException>();

        bytes[5] ^= 0xff; // the first part's bytes are not what was sent
        var report = await new S3ArtifactBucket(settings, DataSource).UploadAsync(run, name, new MemoryStream(bytes), bytes.Length, "application/octet-stream");

        report.Should().Be(new S3ArtifactBucket.UploadReport(PartsSent: 2, PartsReused: 1));
        await using var served = (await new S3ArtifactBucket(settings, DataSource).OpenReadAsync(run, name))!;
        var copy = new MemoryStream();
        await served.CopyToAsync(copy);
        SHA256.HashData(copy.ToArray()).Should().Equal(SHA256.HashData(bytes));
    }

    [Fact]
    public async Task A_checkpoint_recorded_on_one_host_is_fetched_into_another_hosts_folder_dated_as_recorded()
    {
        var (settings, run) = await BucketAndRunAsync();
        var first = Store("first-host", settings);
        Directory.CreateDirectory(Path.Combine(first.RunFolder(run), "checkpoints"));
        await File.WriteAllTextAsync(Path.Combine(first.RunFolder(run), "checkpoints", "latest.safetensors"), "weights");
        await File.WriteAllTextAsync(Path.Combine(first.RunFolder(run), "other.txt"), "not a checkpoint");
        await first.RecordFolderAsync(run, new RecordingLimits());

        var second = Store("second-host", settings);
        (await second.FetchAsync(run, "checkpoints/")).Should().Equal("checkpoints/latest.safetensors");

        File.ReadAllText(Path.Combine(second.RunFolder(run), "checkpoints", "latest.safetensors")).Should().Be("weights");
        File.Exists(Path.Combine(second.RunFolder(run), "other.txt")).Should().BeFalse();
        (await second.FetchAsync(run, "checkpoints/")).Should().BeEmpty("what is there already is not fetched again");
        (await second.RecordFolderAsync(run, new RecordingLimits())).Recorded.Should().BeEmpty("the fetched file is unchanged since it was recorded");
    }

    [Fact]
    public async Task A_missing_bucket_or_wrong_keys_stop_the_start_naming_what_to_check()
    {
        var (settings, _) = await BucketAndRunAsync();
        var missing = () => new S3ArtifactBucket(settings with { Bucket = "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8] }, DataSource).EnsureReachableAsync();
        (await missing.Should().ThrowAsync<ArtifactStoreUnreachableException>()).Which.Message.Should().Contain("does not exist").And.Contain("__Bucket");
        var closed = () => new S3ArtifactBucket(settings with { ServiceUrl = new Uri("http://127.0.0.1:1/") }, DataSource).EnsureReachableAsync();
        (await closed.Should().ThrowAsync<ArtifactStoreUnreachableException>()).Which.Message.Should().Contain("127.0.0.1:1");
        await new S3ArtifactBucket(settings, DataSource).EnsureReachableAsync();
    }

    [Fact]
    public async Task An_unreachable_store_is_worth_trying_again_and_a_missing_bucket_is_not()
    {
        var (settings, run) = await BucketAndRunAsync();
        var closed = new S3ArtifactBucket(settings with { ServiceUrl = new Uri("http://127.0.0.1:1/") }, DataSource);
        var unreachable = await Record.ExceptionAsync(() => closed.UploadAsync(run, "a.txt", new MemoryStream("a"u8.ToArray()), 1, "text/plain"));
        S3ArtifactBucket.IsTransient(unreachable!).Should().BeTrue(unreachable!.ToString());
        var missing = new S3ArtifactBucket(settings with { Bucket = "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8] }, DataSource);
        var refused = await Record.ExceptionAsync(() => missing.UploadAsync(run, "a.txt", new MemoryStream("a"u8.ToArray()), 1, "text/plain"));
        S3ArtifactBucket.IsTransient(refused!).Should().BeFalse(refused!.ToString());
    }

    [Fact]
    public void Settings_name_the_key_that_is_wrong_and_no_store_means_the_local_folder()
    {
        S3Settings.From(_ => null, _ => null).Should().BeNull();
        S3Settings.From(k => k == "Store" ? "local" : null, _ => null).Should().BeNull();
        var parse = (Dictionary<string, string> values) => () => S3Settings.From(k => values.GetValueOrDefault(k), _ => null);
        parse(new() { ["Store"] = "ftp" }).Should().Throw<ArgumentException>().WithMessage("*Store*'ftp'*");
        parse(new() { ["Store"] = "s3" }).Should().Throw<ArgumentException>().WithMessage("*S3:Bucket*");
        parse(new() { ["Store"] = "s3", ["S3:Bucket"] = "b", ["S3:ServiceUrl"] = "minio:9000" }).Should().Throw<ArgumentException>().WithMessage("*ServiceUrl*");
        parse(new() { ["Store"] = "s3", ["S3:Bucket"] = "b", ["S3:AccessKey"] = "k" }).Should().Throw<ArgumentException>().WithMessage("*SecretKey*");
        parse(new() { ["Store"] = "s3", ["S3:Bucket"] = "b", ["S3:PartSizeMiB"] = "1" }).Should().Throw<ArgumentException>().WithMessage("*PartSizeMiB*");
        var fromEnvironment = S3Settings.From(k => k switch { "Store" => "S3", "S3:Bucket" => "b", "S3:Prefix" => "/team/", _ => null },
            v => v switch { "AWS_ACCESS_KEY_ID" => "id", "AWS_SECRET_ACCESS_KEY" => "secret", _ => null })!;
        fromEnvironment.AccessKey.Should().Be("id");
        fromEnvironment.Prefix.Should().Be("team/");
        fromEnvironment.ToString().Should().NotContain("secret");
    }

    /// <summary>A file that cannot be read past <paramref name="diesAt"/>: its worker died there.</summary>
    private sealed class DyingStream(byte[] bytes, long diesAt) : MemoryStream(bytes, writable: false)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position >= diesAt ? throw new IOException("the worker died") : base.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
