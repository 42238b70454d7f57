using Dashboard.Domain.Scheduling;
using Dashboard.Torch;

namespace Dashboard.Worker.Experiments.Training;

/// <summary>Where a built-in trainer runs and in which precision: the worker's device, bf16 autocast on CUDA only.</summary>
public sealed record TrainingDevice(Device Device, bool Bf16Autocast)
{
    public static TrainingDevice For(WorkerDevice worker, string precision)
    {
        var device = worker.Kind == DeviceKind.Cuda ? Device.Cuda(worker.Ordinal) : Device.Cpu;
        return new TrainingDevice(device, device.IsCuda && precision == "bfloat16");
    }

    /// <summary>bf16 autocast around the forward pass when asked for; nothing otherwise.</summary>
    public IDisposable? Autocast() => Bf16Autocast ? Dashboard.Torch.Torch.Autocast(DeviceType.Cuda, ScalarType.BFloat16) : null;

    /// <summary>Peak GPU memory since the run started, in MiB; null on the CPU.</summary>
    public double? PeakMemoryMb() =>
        Device.IsCuda ? Cuda.MemoryStats(Device.Index).PeakAllocatedBytes / (1024.0 * 1024.0) : null;
}
