namespace Dashboard.Infrastructure.Workers;

/// <summary>
/// Queued runs (their not-before time passed) that no online worker can serve: how many, and the first few with
/// why, so the overview's Queued card can say "12 queued · 3 no worker can serve" and list them.
/// </summary>
public sealed record StrandedRuns(int Count, IReadOnlyList<StrandedRun> First)
{
    public static readonly StrandedRuns None = new(0, []);
}

/// <summary>One queued run no online worker can serve, with its experiment's name and the reason.</summary>
public sealed record StrandedRun(long RunId, long ExperimentId, string ExperimentName, string Device, string Reason);
