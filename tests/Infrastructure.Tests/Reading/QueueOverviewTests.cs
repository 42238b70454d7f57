using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Queue;
using Dashboard.Infrastructure.Reading;
using Dashboard.Infrastructure.Workers;
using Dashboard.Testing;

namespace Dashboard.Infrastructure.Tests.Reading;

public sealed class QueueOverviewTests : ReadingTestBase
{
    [Fact]
    public async Task Counts_split_waiting_runs_by_whether_a_worker_may_take_them_now()
    {
        var today = Clock.GetUtcNow().AddHours(-1);
        await Queue.EnqueueAsync(Submissions.Command(runs: 3) with { Name = "now" });
        await Queue.EnqueueAsync(Submissions.Command(runs: 2, notBefore: Clock.GetUtcNow().AddHours(8)) with { Name = "tonight" });
        var worker = await RegisterWorkerAsync();
        var first = (await Queue.ClaimAsync(worker, Cpu))!;
        var second = (await Queue.ClaimAsync(worker, Cpu))!;
        await Queue.CompleteAsync(first.Lease, RunCompletion.Succeeded);
        await Queue.CompleteAsync(second.Lease, RunCompletion.Failed("broken"));
        Clock.Advance(TimeSpan.FromSeconds(1));
        var third = (await Queue.ClaimAsync(worker, Cpu))!;

        var overview = new QueueOverview(Db, DataSource, Clock);
        var snapshot = await overview.ReadAsync(today);

        (snapshot.Queued, snapshot.ScheduledLater, snapshot.Running, snapshot.FinishedToday, snapshot.FailedToday)
            .Should().Be((0, 2, 1, 2, 1));
        snapshot.Workers.Should().ContainSingle(w => w.Id == worker).Which.CurrentRunId.Should().Be(third.RunId);
        snapshot.RecentRuns.Should().HaveCount(5);
        snapshot.RecentRuns[0].Run.Id.Should().Be(third.RunId, "the latest change comes first");
        snapshot.RecentRuns.Select(r => r.ExperimentName).Should().Contain(["now", "tonight"]);

        // Past midnight of the next day nothing finished "today"; signed-off workers leave the list.
        (await overview.ReadAsync(Clock.GetUtcNow().AddMinutes(1))).FinishedToday.Should().Be(0);
        await new WorkerRegistry(DataSource, Clock).SignOffAsync(worker);
        Clock.Advance(TimeSpan.FromHours(9));
        var later = await overview.ReadAsync(today);
        (later.Queued, later.ScheduledLater, later.Workers.Count).Should().Be((2, 0, 0));
    }
}
