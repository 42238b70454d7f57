using System.Text.Json.Nodes;
using Dashboard.Domain.Artifacts;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Runs;
using Dashboard.Domain.Workers;

namespace Dashboard.Web.Api;

/// <summary>What the API answers with. Config and sweep values are JSON, not strings holding JSON.</summary>
public sealed record ExperimentDto(
    long Id, string Name, string Family, JsonNode? Config, JsonNode? Sweep, string[] Tags, string Owner, string Notes,
    DateTimeOffset CreatedAt, IReadOnlyDictionary<string, int>? RunStates = null)
{
    /// <summary>The claims the experiment's runs are checked against, as stored (see GET's "claims" for verdicts).</summary>
    public JsonNode? ClaimDefinitions { get; init; }

    public static ExperimentDto From(Experiment e, IReadOnlyDictionary<string, int>? runStates = null) =>
        new(e.Id, e.Name, e.Family, JsonNode.Parse(e.Config), e.Sweep is null ? null : JsonNode.Parse(e.Sweep),
            e.Tags, e.Owner, e.Notes, e.CreatedAt, runStates) { ClaimDefinitions = e.Claims is null ? null : JsonNode.Parse(e.Claims) };
}

public sealed record RunDto(
    long Id, long ExperimentId, int Index, string Family, string State, JsonNode? Config, long? Seed, JsonNode? AxisValues,
    int Priority, DateTimeOffset? NotBefore, string Device, int? TimeLimitSeconds, int Attempts, int MaxAttempts,
    long? WorkerId, bool CancelRequested, string? FailureReason, long? Step, long? TotalSteps, JsonNode? Summary,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? WaitingReason = null)
{
    /// <param name="waitingReason">Why a waiting run cannot start: no online worker can serve its device (null otherwise).</param>
    public static RunDto From(Run r, string? waitingReason = null) => new(
        r.Id, r.ExperimentId, r.Index, r.Family, r.State.ToName(), JsonNode.Parse(r.Config), r.Seed,
        JsonNode.Parse(r.AxisValues), r.Priority, r.NotBefore, r.Device.ToString(), r.TimeLimitSeconds, r.Attempts,
        r.MaxAttempts, r.WorkerId, r.CancelRequested, r.FailureReason, r.Step, r.TotalSteps, JsonNode.Parse(r.Summary),
        r.CreatedAt, r.StartedAt, r.FinishedAt, waitingReason);
}

public sealed record WorkerDto(
    long Id, string Name, string Host, string Device, string? GpuName, int GpuMemoryMb, string Version,
    DateTimeOffset StartedAt, DateTimeOffset LastHeartbeatAt, double HeartbeatAgeSeconds, bool Online,
    long? CurrentRunId, DateTimeOffset? StoppedAt)
{
    /// <summary>A worker is online while it heartbeats; three missed lease periods mean it is gone.</summary>
    public static WorkerDto From(WorkerInfo w, DateTimeOffset now, TimeSpan offlineAfter)
    {
        var age = (now - w.LastHeartbeatAt).TotalSeconds;
        return new(w.Id, w.Name, w.Host, w.Device, w.GpuName, w.GpuMemoryMb, w.Version, w.StartedAt, w.LastHeartbeatAt,
            Math.Round(age, 1), w.StoppedAt is null && age < offlineAfter.TotalSeconds, w.CurrentRunId, w.StoppedAt);
    }
}

public sealed record ArtifactDto(string Name, long SizeBytes, string Sha256, string ContentType, DateTimeOffset CreatedAt, string Url)
{
    public static ArtifactDto From(Artifact a) =>
        new(a.Name, a.SizeBytes, a.Sha256, a.ContentType, a.CreatedAt,
            $"/api/runs/{a.RunId}/artifacts/{string.Join('/', a.Name.Split('/').Select(Uri.EscapeDataString))}");
}

public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageNumber, int PageSize);

/// <param name="Warnings">Said on creation only: e.g. no worker that ever registered can serve the runs' device (they wait for one).</param>
public sealed record CreatedExperimentDto(ExperimentDto Experiment, IReadOnlyList<RunDto> Runs, IReadOnlyList<string>? Warnings = null)
{
    /// <summary>The experiment's claims checked against its runs (GET only; null when creating).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Claims.ClaimVerdictDto>? Claims { get; init; }
}

