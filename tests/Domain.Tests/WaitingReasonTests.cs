using Dashboard.Domain.Scheduling;

namespace Dashboard.Domain.Tests;

public sealed class WaitingReasonTests
{
    private static readonly WorkerDevice Cpu = WorkerDevice.Cpu;
    private static WorkerDevice Gpu(int mb) => new(DeviceKind.Cuda, 0, mb);

    [Fact]
    public void A_run_some_worker_can_serve_has_no_reason()
    {
        WaitingReason.For(DeviceRequirement.Cpu, [Cpu, Gpu(24_000)]).Should().BeNull();
        WaitingReason.For(new DeviceRequirement(DeviceKind.Cuda, 24_000), [Gpu(24_000)]).Should().BeNull();
    }

    [Fact]
    public void Each_reason_names_what_is_missing()
    {
        WaitingReason.For(DeviceRequirement.Cpu, []).Should().Be("no worker is online");
        WaitingReason.For(new DeviceRequirement(DeviceKind.Cuda), [Cpu]).Should().Be("no online worker has a CUDA device");
        WaitingReason.For(new DeviceRequirement(DeviceKind.Cuda, 90_000), [Cpu, Gpu(24_000), Gpu(81_559)])
            .Should().Be("needs 90,000 MiB; the largest online GPU has 81,559");
        WaitingReason.For(DeviceRequirement.Cpu, [Gpu(1)], "registered").Should().Be("no registered worker runs on the CPU");
    }
}
