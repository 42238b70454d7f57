using Dashboard.Domain.Scheduling;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Experiments.Training;

namespace Dashboard.Worker.Tests.Experiments.Training;

/// <summary>The precisions a run can ask for, on a CPU worker (CI has no GPU): each trains in float32 and says so.</summary>
public class TrainingDeviceTests
{
    private sealed class Lines : IRunLog
    {
        public List<string> Written { get; } = [];
        public void Write(string stream, string line) => Written.Add(line);
    }

    [Theory]
    [InlineData("bfloat16")]
    [InlineData("tf32")]
    public void A_cuda_only_precision_on_the_cpu_trains_in_float32_and_says_so(string precision)
    {
        var target = TrainingDevice.For(WorkerDevice.Cpu, precision);
        var log = new Lines();

        using (target.Enter(log))
            Dashboard.Torch.Torch.MatmulTf32.Should().BeFalse();

        target.Bf16Autocast.Should().BeFalse();
        target.MatmulTf32.Should().BeFalse();
        log.Written.Should().Equal($"{precision} asked for on the CPU: training in float32.");
    }

    [Fact]
    public void Float32_says_nothing()
    {
        var log = new Lines();
        using (TrainingDevice.For(WorkerDevice.Cpu, "float32").Enter(log)) { }
        log.Written.Should().BeEmpty();
    }

    [Theory]
    [InlineData("bfloat16", true, false)]
    [InlineData("tf32", false, true)]
    [InlineData("float32", false, false)]
    public void On_cuda_each_precision_picks_its_mode(string precision, bool autocast, bool tf32)
    {
        var target = TrainingDevice.For(new WorkerDevice(DeviceKind.Cuda, 0), precision);
        target.Bf16Autocast.Should().Be(autocast);
        target.MatmulTf32.Should().Be(tf32);
    }
}
