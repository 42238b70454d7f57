namespace Dashboard.Domain.Workers;

/// <summary>A registered worker process: one per GPU (or one on the CPU), alive while it heartbeats.</summary>
public sealed class WorkerInfo
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required string Host { get; set; }
    /// <summary>"cpu" or "cuda:N".</summary>
    public required string Device { get; set; }
    public string? GpuName { get; set; }
    public int GpuMemoryMb { get; set; }
    public string Version { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset LastHeartbeatAt { get; set; }
    public long? CurrentRunId { get; set; }
    public DateTimeOffset? StoppedAt { get; set; }
}
