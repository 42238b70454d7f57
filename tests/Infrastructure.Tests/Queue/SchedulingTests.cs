using Dashboard.Domain.Runs;
using Dashboard.Domain.Scheduling;
using Dashboard.Infrastructure.Queue;
using Dashboard.Testing;

namespace Dashboard.Infrastructure.Tests.Queue;

public sealed class SchedulingTests : QueueTestBase
{
    [Fact]
    public async Task A_run_scheduled_for_tonight_waits_until_then()
    {
        var run = (await Queue.EnqueueAsync(Submissions.Command(notBefore: Clock.GetUtcNow().AddHours(8)))).RunIds[0];
        (await StateOfAsync(run)).Should().Be("scheduled");
        var worker = await RegisterWorkerAsync();
        (await Queue.ClaimAsync(worker, Cpu)).Should().BeNull();
        Clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromSeconds(1));
        (await Queue.ClaimAsync(worker, Cpu))!.RunId.Should().Be(run);
    }

    [Fact]
    public async Task Runs_go_only_to_workers_whose_device_can_serve_them()
    {
        var big = (await Queue.EnqueueAsync(Submissions.Command(device: new DeviceRequirement(DeviceKind.Cuda, 40_000)))).RunIds[0];
        var cpu = await RegisterWorkerAsync();
        var smallGpu = await RegisterWorkerAsync("cuda:0", 24_000);
        var bigGpu = await RegisterWorkerAsync("cuda:1", 80_000);
        (await Queue.ClaimAsync(cpu, Cpu)).Should().BeNull();
        (await Queue.ClaimAsync(smallGpu, new WorkerDevice(DeviceKind.Cuda, 0, 24_000))).Should().BeNull();
        (await Queue.ClaimAsync(bigGpu, new WorkerDevice(DeviceKind.Cuda, 1, 80_000)))!.RunId.Should().Be(big);
    }

    [Fact]
    public async Task Cancelling_a_queued_run_ends_it_at_once()
    {
        var run = (await Queue.EnqueueAsync(Submissions.Command())).RunIds[0];
        (await Queue.CancelAsync(run)).Should().Be(RunState.Cancelled);
        (await Queue.ClaimAsync(await RegisterWorkerAsync(), Cpu)).Should().BeNull();
    }

    [Fact]
    public async Task Cancelling_a_running_run_tells_its_worker_at_the_next_heartbeat()
    {
        var run = (await Queue.EnqueueAsync(Submissions.Command())).RunIds[0];
        var claimed = (await Queue.ClaimAsync(await RegisterWorkerAsync(), Cpu))!;
        (await Queue.CancelAsync(run)).Should().Be(RunState.Running);
        (await Queue.RenewAsync(claimed.Lease)).Should().Be(LeaseStatus.CancelRequested);
        (await Queue.CompleteAsync(claimed.Lease, new RunCompletion(RunState.Cancelled, "cancelled by a user")))
            .Should().Be(RunState.Cancelled);
    }

    [Fact]
    public async Task Cancelling_an_unknown_run_says_so()
    {
        (await Queue.CancelAsync(987654)).Should().BeNull();
    }
}
