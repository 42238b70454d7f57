namespace Dashboard.Torch;

/// <summary>Device kinds; the values are c10::DeviceType codes.</summary>
public enum DeviceType
{
    Cpu = 0,
    Cuda = 1,
}

/// <summary>Where a tensor lives: "cpu" or "cuda:N" (index -1 means the current CUDA device).</summary>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    public static readonly Device Cpu = new(DeviceType.Cpu);

    public static Device Cuda(int index = 0) => new(DeviceType.Cuda, index);

    public bool IsCuda => Type == DeviceType.Cuda;

    public static Device Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':');
        var type = parts[0] switch
        {
            "cpu" => DeviceType.Cpu,
            "cuda" => DeviceType.Cuda,
            _ => throw new FormatException($"unknown device '{text}' (expected cpu or cuda[:N])"),
        };
        var index = parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : -1;
        if (type == DeviceType.Cuda && index < 0) index = 0;
        return new Device(type, index);
    }

    /// <summary>dt_arg's packed form: type in the high bits, index in the low 16.</summary>
    internal long Packed => ((long)Type << 16) | (ushort)(short)Index;

    public override string ToString() =>
        Type == DeviceType.Cpu ? "cpu" : Index < 0 ? "cuda" : $"cuda:{Index}";
}
