namespace Dashboard.Domain.Scheduling;

public enum DeviceKind
{
    Cpu,
    Cuda,
}
