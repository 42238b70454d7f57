using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dashboard.Domain.Access;
using Dashboard.Infrastructure.Access;
using Dashboard.Infrastructure.Artifacts;
using Dashboard.Infrastructure.Artifacts.Remote;
using Dashboard.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dashboard.Web.Tests.Api;

/// <summary>The web app configured with an S3-compatible artifact store (s3rver, started by the test run).</summary>
public sealed class S3Dashboard : IAsyncLifetime
{
    public DashboardApp App { get; } = new();
    public S3Settings Bucket { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Bucket = await S3Server.CreateBucketAsync("web");
        foreach (var (key, value) in S3Server.Configuration(Bucket)) App.Settings[key] = value;
        await App.InitializeAsync();
    }

    public Task DisposeAsync() => ((IAsyncLifetime)App).DisposeAsync();
}

/// <summary>
/// With the artifacts in a bucket, workers on other hosts share no folder with the web app: what they record is
/// streamed by the web app from the bucket, with the same access checks, headers and Range answers as local files.
/// </summary>
public sealed class S3ArtifactRouteTests(S3Dashboard fixture) : IClassFixture<S3Dashboard>
{
    private readonly DashboardApp _app = fixture.App;
    private NpgsqlDataSource DataSource => _app.Services.GetRequiredService<NpgsqlDataSource>();

    private async Task<long[]> RunsAsync(string command, int seeds)
    {
        var response = await _app.CreateMemberClient().PostAsync("/api/experiments", new StringContent(
            new JsonObject { ["family"] = "command", ["config"] = new JsonObject { ["command"] = command }, ["sweep"] = new JsonObject { ["seeds"] = seeds } }.ToJsonString(),
            Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()).ToArray();
    }

    private async Task<HttpClient> ReviewerOfAsync(long run)
    {
        var admin = await _app.Services.GetRequiredService<UserStore>().FindByNameAsync(DashboardApp.AdminUserName);
        var secret = (await _app.Services.GetRequiredService<ReviewLinkStore>().CreateAsync(ReviewTarget.Parse(ReviewTargetKind.Run, $"{run}"), "review", null, admin!.Id)).Secret;
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    [Fact]
    public async Task Files_another_host_recorded_are_streamed_to_members_and_that_runs_reviewers_only()
    {
        var runs = await RunsAsync("true", seeds: 2);
        var (run, other) = (runs[0], runs[1]);
        // A worker on another host: its own folder, the same bucket (256 KiB parts, so the checkpoint goes up in parts).
        var workerFolder = Path.Combine(Path.GetTempPath(), "s3-worker-" + Guid.NewGuid().ToString("N"));
        try
        {
            var worker = new ArtifactStore(DataSource, workerFolder, new S3ArtifactBucket(fixture.Bucket, DataSource));
            Directory.CreateDirectory(worker.RunFolder(run));
            await File.WriteAllTextAsync(Path.Combine(worker.RunFolder(run), "result.txt"), "hello from s3");
            var checkpoint = new byte[700 << 10];
            new Random(3).NextBytes(checkpoint);
            await File.WriteAllBytesAsync(Path.Combine(worker.RunFolder(run), "model.safetensors"), checkpoint);
            (await worker.RecordFolderAsync(run, new RecordingLimits())).Recorded.Should().HaveCount(2);
            Directory.Exists(Path.Combine(_app.ArtifactsDirectory, "runs", $"{run}")).Should().BeFalse("the web app never sees the worker's folder");

            var member = _app.CreateMemberClient();
            var text = await member.GetAsync($"/api/runs/{run}/artifacts/result.txt");
            text.StatusCode.Should().Be(HttpStatusCode.OK);
            (await text.Content.ReadAsStringAsync()).Should().Be("hello from s3");
            text.Content.Headers.ContentType!.ToString().Should().Be("text/plain; charset=utf-8");
            text.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
            text.Headers.GetValues("Content-Security-Policy").Single().Should().StartWith("sandbox");
            text.Headers.ETag!.Tag.Should().Be($"\"{Convert.ToHexStringLower(SHA256.HashData("hello from s3"u8))}\"");

            var whole = await member.GetAsync($"/api/runs/{run}/artifacts/model.safetensors");
            (await whole.Content.ReadAsByteArrayAsync()).Should().Equal(checkpoint);
            whole.Content.Headers.ContentDisposition!.FileName.Should().Be("model.safetensors");
            var range = new HttpRequestMessage(HttpMethod.Get, $"/api/runs/{run}/artifacts/model.safetensors");
            range.Headers.Range = new RangeHeaderValue(300_000, 300_099);
            var part = await member.SendAsync(range);
            part.StatusCode.Should().Be(HttpStatusCode.PartialContent);
            (await part.Content.ReadAsByteArrayAsync()).Should().Equal(checkpoint[300_000..300_100]);

            var reviewer = await ReviewerOfAsync(run);
            (await reviewer.GetStringAsync($"/api/runs/{run}/artifacts/result.txt")).Should().Be("hello from s3");
            var stranger = await ReviewerOfAsync(other);
            var refused = await stranger.GetAsync($"/api/runs/{run}/artifacts/result.txt");
            refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            (await refused.Content.ReadAsStringAsync()).Should().NotContain("hello from s3");
            var anonymous = await _app.CreateClient().GetAsync($"/api/runs/{run}/artifacts/result.txt");
            anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await member.GetAsync($"/api/runs/{run}/artifacts/unrecorded.txt")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        }
        finally
        {
            if (Directory.Exists(workerFolder)) Directory.Delete(workerFolder, recursive: true);
        }
    }

    [Fact]
    public async Task A_worker_process_whose_folder_the_web_app_cannot_see_runs_a_command_whose_files_and_log_the_web_app_serves()
    {
        var run = (await RunsAsync("echo \"written on the other host\" > \"$DASHBOARD_OUTPUT_DIR/result.txt\"; env > \"$DASHBOARD_OUTPUT_DIR/env.txt\"; echo finished", seeds: 1))[0];
        var workerFolder = Path.Combine(Path.GetTempPath(), "s3-worker-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workerFolder);
        try
        {
            using (var worker = StartWorker(workerFolder))
            {
                using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
                await worker.Process.WaitForExitAsync(patience.Token);
                worker.Process.ExitCode.Should().Be(0, worker.Output.ToString());
            }
            File.Exists(Path.Combine(workerFolder, "runs", $"{run}", "attempt-1", "result.txt")).Should().BeTrue("the worker wrote in its own folder");
            Directory.Exists(Path.Combine(_app.ArtifactsDirectory, "runs", $"{run}")).Should().BeFalse("the web app cannot see it");

            var member = _app.CreateMemberClient();
            JsonNode.Parse(await member.GetStringAsync($"/api/runs/{run}"))!["state"]!.GetValue<string>().Should().Be("succeeded");
            var names = JsonNode.Parse(await member.GetStringAsync($"/api/runs/{run}/artifacts"))!.AsArray().Select(a => a!["name"]!.GetValue<string>());
            names.Should().BeEquivalentTo("attempt-1/result.txt", "attempt-1/env.txt", "log.txt");
            var environment = await member.GetStringAsync($"/api/runs/{run}/artifacts/attempt-1/env.txt");
            environment.Should().Contain("DASHBOARD_RUN_ID=").And.NotContain(fixture.Bucket.Bucket).And.NotContain("aws-secret-of-the-worker",
                "the store's keys are not the command's");
            (await member.GetStringAsync($"/api/runs/{run}/artifacts/attempt-1/result.txt")).Should().Be("written on the other host\n");
            (await (await ReviewerOfAsync(run)).GetStringAsync($"/api/runs/{run}/artifacts/log.txt")).Should().Contain("finished");
            // The run page's log comes from the bucket too.
            var tail = await RunLogTail.ReadAsync(_app.Services.GetRequiredService<ArtifactStore>(), run);
            tail.Lines.Should().Contain("finished");
        }
        finally
        {
            Directory.Delete(workerFolder, recursive: true);
        }
    }

    private sealed record WorkerProcess(Process Process, StringBuilder Output) : IDisposable
    {
        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }
    }

    /// <summary>The real worker program, as an operator starts it on another host: its own folder, the bucket, one run.</summary>
    private WorkerProcess StartWorker(string folder)
    {
        var testFolder = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)); // tests/Web.Tests/bin/{Configuration}/{tfm}
        var root = testFolder.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "src", "Worker", "bin", testFolder.Parent!.Name, testFolder.Name, "Dashboard.Worker.dll");
        File.Exists(dll).Should().BeTrue($"the worker is built beside the tests ({dll})");
        var start = new ProcessStartInfo("dotnet", [dll, "--device", "cpu", "--name", "other-host", "--max-runs", "1"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__Dashboard"] = _app.ConnectionString;
        start.Environment["Dashboard__ArtifactsDirectory"] = folder;
        foreach (var (key, value) in S3Server.Configuration(fixture.Bucket, "__")) start.Environment[key] = value;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "aws-secret-of-the-worker";
        start.Environment["AWS_ACCESS_KEY_ID"] = "aws-id-of-the-worker";
        var output = new StringBuilder();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process, output);
    }
}
