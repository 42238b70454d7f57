using System.Collections.Concurrent;
using Dashboard.Infrastructure.Queue;
using Dashboard.Testing;

namespace Dashboard.Infrastructure.Tests.Queue;

public sealed class ContentionTests : QueueTestBase
{
    [Fact]
    public async Task Eight_concurrent_workers_execute_each_of_500_runs_exactly_once()
    {
        var enqueued = await Queue.EnqueueAsync(Submissions.Command(runs: 500));
        enqueued.RunIds.Should().HaveCount(500);

        var executions = new ConcurrentBag<long>();
        var workers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => RegisterWorkerAsync()));
        await Task.WhenAll(workers.Select(worker => Task.Run(async () =>
        {
            while (await Queue.ClaimAsync(worker, Cpu) is { } claimed)
            {
                executions.Add(claimed.RunId);
                (await Queue.CompleteAsync(claimed.Lease, RunCompletion.Succeeded)).Should().NotBeNull();
            }
        }))).WaitAsync(TimeSpan.FromSeconds(60));

        executions.Should().HaveCount(500).And.OnlyHaveUniqueItems();
        executions.Should().BeEquivalentTo(enqueued.RunIds);
        (await ScalarAsync<long>("SELECT count(*) FROM runs WHERE state = 'succeeded' AND attempts = 1")).Should().Be(500);
    }

    [Fact]
    public async Task A_1000_run_sweep_is_stored_in_one_transaction_in_sweep_order()
    {
        var enqueued = await Queue.EnqueueAsync(Submissions.Command(runs: 1000));
        enqueued.RunIds.Should().HaveCount(1000).And.BeInAscendingOrder();
        (await ScalarAsync<long>("SELECT count(DISTINCT xmin::text) FROM runs WHERE experiment_id = $1", enqueued.ExperimentId))
            .Should().Be(1, "all runs were inserted by one transaction");
        (await ScalarAsync<int>("SELECT max(index) FROM runs WHERE experiment_id = $1", enqueued.ExperimentId)).Should().Be(999);
    }

    [Fact]
    public async Task Higher_priority_runs_are_claimed_first()
    {
        var low = await Queue.EnqueueAsync(Submissions.Command(priority: 0));
        var high = await Queue.EnqueueAsync(Submissions.Command(priority: 5));
        var worker = await RegisterWorkerAsync();
        (await Queue.ClaimAsync(worker, Cpu))!.RunId.Should().Be(high.RunIds[0]);
        (await Queue.ClaimAsync(worker, Cpu))!.RunId.Should().Be(low.RunIds[0]);
    }
}
