using Dashboard.Domain.Scheduling;
using Dashboard.Torch;
using Dashboard.Worker.Execution;

namespace Dashboard.Worker.Experiments.Training;

/// <summary>
/// Where a built-in trainer runs and in which precision: the worker's device; bf16 autocast, or float32 with
/// TensorFloat-32 matmuls ("tf32"), on CUDA only (a CPU run trains in plain float32).
/// </summary>
public sealed record TrainingDevice(Device Device, bool Bf16Autocast, bool MatmulTf32 = false)
{
    /// <summary>The precision the run's config asked for (float32, tf32 or bfloat16).</summary>
    public string Precision { get; init; } = "float32";

    public static TrainingDevice For(WorkerDevice worker, string precision)
    {
        var device = worker.Kind == DeviceKind.Cuda ? Device.Cuda(worker.Ordinal) : Device.Cpu;
        return new TrainingDevice(device, device.IsCuda && precision == "bfloat16", device.IsCuda && precision == "tf32") { Precision = precision };
    }

    /// <summary>
    /// For the run's training: says in its log when the precision asked for needs CUDA and the run is on the CPU, and
    /// (tf32) lets float32 matmuls use TensorFloat-32 until disposed (a process-wide libtorch setting; a worker trains
    /// one run at a time).
    /// </summary>
    public IDisposable? Enter(IRunLog log)
    {
        if (Precision is "bfloat16" or "tf32" && !Device.IsCuda)
            log.Write(RunLogStreams.Worker, $"{Precision} asked for on the CPU: training in float32.");
        return MatmulTf32 ? Dashboard.Torch.Torch.AllowMatmulTf32() : null;
    }

    /// <summary>bf16 autocast around the forward pass when asked for; nothing otherwise.</summary>
    public IDisposable? Autocast() => Bf16Autocast ? Dashboard.Torch.Torch.Autocast(DeviceType.Cuda, ScalarType.BFloat16) : null;

    /// <summary>Peak GPU memory since the run started, in MiB; null on the CPU.</summary>
    public double? PeakMemoryMb() =>
        Device.IsCuda ? Cuda.MemoryStats(Device.Index).PeakAllocatedBytes / (1024.0 * 1024.0) : null;
}
