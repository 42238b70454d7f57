using Dashboard.Domain.Artifacts;

namespace Dashboard.Infrastructure.Artifacts;

/// <summary>What recording a run's folder did: the files recorded (new or changed) and, for the run's log, what it left out and why.</summary>
public sealed record RecordingReport(IReadOnlyList<Artifact> Recorded, IReadOnlyList<string> Skipped);
