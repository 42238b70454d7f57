using Amazon.S3.Model;
using Dashboard.Domain.Scheduling;
using Dashboard.Infrastructure.Artifacts.Remote;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Queue;
using Dashboard.Testing;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Hosting;
using Npgsql;

namespace Dashboard.Worker.Tests.Hosting;

/// <summary>
/// With an S3 artifact store, a run's checkpoint goes to the bucket while the run trains, and when the run is
/// requeued onto a worker on another host (a folder of its own, empty), that worker finds the checkpoint in the
/// run's folder before the run starts again, as a built-in family expects it.
/// </summary>
public sealed class S3CheckpointResumeTests : IAsyncLifetime
{
    private static readonly QueueOptions Fast = new() { HeartbeatInterval = TimeSpan.FromMilliseconds(250), LeaseDuration = TimeSpan.FromSeconds(10) };
    private readonly string _hosts = Path.Combine(Path.GetTempPath(), "s3-hosts-" + Guid.NewGuid().ToString("N"));
    private string _connectionString = "";
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await MigratedDatabase.CreateAsync("s3_resume");
        _dataSource = DatabaseConnection.Create(_connectionString);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        if (Directory.Exists(_hosts)) Directory.Delete(_hosts, recursive: true);
    }

    [Fact]
    public async Task A_checkpoint_uploaded_while_training_is_where_a_worker_on_another_host_resumes_from()
    {
        var bucket = await S3Server.CreateBucketAsync("resume") with { CheckpointInterval = TimeSpan.FromMilliseconds(200) };
        var run = (await new RunQueue(_dataSource, Fast).EnqueueAsync(Submissions.Command("unused"))).RunIds[0];
        var trainer = new CheckpointingTrainer(bucket, $"runs/{run}/checkpoints/latest.safetensors");

        using (var firstHost = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            var first = Loop("first", bucket, trainer).RunAsync(firstHost.Token);
            (await trainer.Shipped.Task.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue("the checkpoint reaches the bucket while the run goes on");
            await firstHost.CancelAsync(); // the first host goes away; its run is handed back
            await first;
        }
        using (var secondHost = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            await Loop("second", bucket, trainer).RunAsync(secondHost.Token);

        await using (var state = _dataSource.CreateCommand($"SELECT state || ' ' || attempts FROM runs WHERE id = {run}"))
            (await state.ExecuteScalarAsync()).Should().Be("succeeded 1", "a worker that shuts down hands its run back without counting the attempt");
        trainer.ResumedFrom.Should().Be("weights after step 5");
        File.ReadAllText(Path.Combine(_hosts, "second", "runs", $"{run}", "attempt-1", "resumed.txt")).Should().Be("weights after step 5");
    }

    private WorkerLoop Loop(string host, S3Settings bucket, IRunExecutor executor) => new(new WorkerOptions
    {
        ConnectionString = _connectionString, Name = host, DeviceName = "cpu", ArtifactsDirectory = Path.Combine(_hosts, host),
        ArtifactBucket = bucket, Queue = Fast, IdlePoll = TimeSpan.FromMilliseconds(200), MaxRuns = 1,
    }, WorkerDevice.Cpu, _dataSource, new RunExecutorCatalogue([executor]), _ => { });

    /// <summary>
    /// Without a checkpoint in its run's folder, it writes one where the built-in families do, waits to see it in the
    /// bucket, then trains on until stopped; with one, it resumes from it (writes what it found) and succeeds.
    /// </summary>
    private sealed class CheckpointingTrainer(S3Settings bucket, string key) : IRunExecutor
    {
        public TaskCompletionSource<bool> Shipped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string? ResumedFrom { get; private set; }

        public bool CanExecute(string family) => family == "command";

        public async Task<RunOutcome> ExecuteAsync(RunContext context, CancellationToken cancellationToken)
        {
            var checkpoint = Path.Combine(context.RunFolder.FullName, Dashboard.Worker.Experiments.Training.TrainingCheckpoint.FolderName, "latest.safetensors");
            if (File.Exists(checkpoint))
            {
                ResumedFrom = File.Exists(checkpoint) ? await File.ReadAllTextAsync(checkpoint, cancellationToken) : null;
                Directory.CreateDirectory(context.OutputFolder.FullName);
                await File.WriteAllTextAsync(Path.Combine(context.OutputFolder.FullName, "resumed.txt"), ResumedFrom ?? "nothing", cancellationToken);
                return RunOutcome.Succeeded();
            }
            Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
            await File.WriteAllTextAsync(checkpoint, "weights after step 5", cancellationToken);
            using var client = S3Server.Client(bucket.ServiceUrl!);
            try
            {
                while (true)
                {
                    var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket.Bucket, Prefix = key }, cancellationToken);
                    if (listed.S3Objects is { Count: > 0 }) break;
                    await Task.Delay(50, cancellationToken);
                }
                Shipped.TrySetResult(true);
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException) { }
            Shipped.TrySetResult(false);
            return RunOutcome.Cancelled();
        }
    }
}
