using Dashboard.Domain.Runs;
using Dashboard.Domain.Scheduling;
using Dashboard.Domain.Workers;
using Dashboard.Infrastructure.Queue;
using Dashboard.Infrastructure.Workers;
using Npgsql;

namespace Dashboard.Web.Tests.Support;

/// <summary>Plays a worker against the app's real queue: claims runs and ends them, so tests reach any run state.</summary>
public sealed class TestWorker(NpgsqlDataSource dataSource, RunQueue queue)
{
    private long? _id;

    public async Task<ClaimedRun> ClaimAsync()
    {
        _id ??= await new WorkerRegistry(dataSource).RegisterAsync(new WorkerInfo { Name = $"test-{Guid.NewGuid():N}", Host = "test", Device = "cpu" });
        return await queue.ClaimAsync(_id.Value, WorkerDevice.Cpu) ?? throw new InvalidOperationException("Nothing to claim.");
    }

    public Task<RunState?> FinishAsync(ClaimedRun claimed, RunState state = RunState.Succeeded, long? lastStep = null) =>
        queue.CompleteAsync(claimed.Lease, new RunCompletion(state, state == RunState.Succeeded ? null : $"ended {state}"), null, lastStep);

    /// <summary>Claims every claimable run and ends each in the state <paramref name="stateOf"/> picks for it.</summary>
    public async Task<IReadOnlyList<ClaimedRun>> FinishAllAsync(Func<ClaimedRun, RunState>? stateOf = null)
    {
        var done = new List<ClaimedRun>();
        while (true)
        {
            _id ??= await new WorkerRegistry(dataSource).RegisterAsync(new WorkerInfo { Name = $"test-{Guid.NewGuid():N}", Host = "test", Device = "cpu" });
            var claimed = await queue.ClaimAsync(_id.Value, WorkerDevice.Cpu);
            if (claimed is null) return done;
            await FinishAsync(claimed, stateOf?.Invoke(claimed) ?? RunState.Succeeded, claimed.TotalSteps);
            done.Add(claimed);
        }
    }
}
