using Dashboard.Domain.Runs;

namespace Dashboard.Infrastructure.Reading;

/// <summary>One run found by <see cref="RunSearchQuery"/>: enough to recognise it in a picker.</summary>
public sealed record RunSearchHit(
    long RunId, int Index, long ExperimentId, string ExperimentName, string Family, RunState State, long? Seed,
    string AxisValues, long? Step, long? TotalSteps, DateTimeOffset CreatedAt);
