namespace Dashboard.Domain.Scheduling;

/// <summary>The device a worker process trains on: the CPU, or one GPU ("cuda:0") with its memory.</summary>
public sealed record WorkerDevice(DeviceKind Kind, int Ordinal = 0, int GpuMemoryMb = 0, string? GpuName = null)
{
    public static readonly WorkerDevice Cpu = new(DeviceKind.Cpu);

    /// <summary>The worker's `--device` text: "cpu" or "cuda:N".</summary>
    public string Name => Kind == DeviceKind.Cpu ? "cpu" : $"cuda:{Ordinal}";

    public static bool TryParseName(string text, out DeviceKind kind, out int ordinal)
    {
        kind = DeviceKind.Cpu;
        ordinal = 0;
        var value = text.Trim().ToLowerInvariant();
        if (value == "cpu") return true;
        if (value == "cuda") { kind = DeviceKind.Cuda; return true; }
        if (value.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(value[5..], out ordinal) && ordinal >= 0)
        {
            kind = DeviceKind.Cuda;
            return true;
        }
        return false;
    }
}
