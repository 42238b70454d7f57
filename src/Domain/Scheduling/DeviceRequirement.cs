namespace Dashboard.Domain.Scheduling;

/// <summary>What a run needs: any CPU worker, or a CUDA worker with at least this much GPU memory.</summary>
public sealed record DeviceRequirement(DeviceKind Kind, int MinGpuMemoryMb = 0)
{
    public static readonly DeviceRequirement Cpu = new(DeviceKind.Cpu);

    public bool CanBeServedBy(WorkerDevice device) => Kind switch
    {
        DeviceKind.Cpu => device.Kind == DeviceKind.Cpu,
        DeviceKind.Cuda => device.Kind == DeviceKind.Cuda && device.GpuMemoryMb >= MinGpuMemoryMb,
        _ => false,
    };

    /// <summary>Parses "cpu", "cuda" or "cuda:24000" (minimum GPU memory in MiB).</summary>
    public static DeviceRequirement Parse(string? text, string field = "device")
    {
        var value = (text ?? "cpu").Trim().ToLowerInvariant();
        if (value is "" or "cpu") return Cpu;
        if (value == "cuda") return new(DeviceKind.Cuda);
        if (value.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(value["cuda:".Length..], out var mb) && mb >= 0)
            return new(DeviceKind.Cuda, mb);
        throw new InvalidInputException(field,
            $"'{text}' is not a device requirement; use 'cpu', 'cuda', or 'cuda:<minimum GPU memory in MiB>'.");
    }

    public override string ToString() =>
        Kind == DeviceKind.Cpu ? "cpu" : MinGpuMemoryMb > 0 ? $"cuda:{MinGpuMemoryMb}" : "cuda";
}
