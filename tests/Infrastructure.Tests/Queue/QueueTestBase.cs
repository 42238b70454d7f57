using Dashboard.Domain.Scheduling;
using Dashboard.Domain.Workers;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Queue;
using Dashboard.Infrastructure.Workers;
using Dashboard.Testing;
using Npgsql;

namespace Dashboard.Infrastructure.Tests.Queue;

/// <summary>A fresh migrated database per test class, a manual clock, and worker registration.</summary>
public abstract class QueueTestBase : IAsyncLifetime
{
    protected NpgsqlDataSource DataSource = null!;
    protected ManualClock Clock = new();
    protected RunQueue Queue = null!;
    protected static readonly QueueOptions Options = new()
    {
        LeaseDuration = TimeSpan.FromSeconds(30),
        RetryBackoffBase = TimeSpan.FromSeconds(10),
    };

    public async Task InitializeAsync()
    {
        DataSource = DatabaseConnection.Create(await MigratedDatabase.CreateAsync(GetType().Name));
        // The clock starts once the server is up: rescues wait a lease period after the server's start, and the first
        // test class of a run starts the server, possibly after this object (and a clock made with it) existed.
        Clock = new ManualClock();
        Queue = new RunQueue(DataSource, Options, Clock);
    }

    public async Task DisposeAsync() => await DataSource.DisposeAsync();

    protected Task<long> RegisterWorkerAsync(string device = "cpu", int gpuMemoryMb = 0) =>
        new WorkerRegistry(DataSource, Clock).RegisterAsync(new WorkerInfo
        {
            Name = $"test-{Guid.NewGuid():N}",
            Host = "test",
            Device = device,
            GpuMemoryMb = gpuMemoryMb,
        });

    protected async Task<T> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var arg in args) command.Parameters.AddWithValue(arg);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    protected async Task<string> StateOfAsync(long runId) =>
        await ScalarAsync<string>("SELECT state FROM runs WHERE id = $1", runId);

    protected static WorkerDevice Cpu => WorkerDevice.Cpu;
}
