namespace Dashboard.Domain.Claims;

/// <summary>How a claim sets its runs' number against a baseline's: a ratio, a difference, or a change in percent.</summary>
public enum VersusKind { Ratio, Difference, Percent }

/// <summary>The baseline runs a claim compares with (narrowed to the same per-axis value as each group).</summary>
public sealed record Versus(RunSelection Runs, VersusKind As)
{
    public double Combine(double ours, double baseline) => As switch
    {
        VersusKind.Ratio => ours / baseline,
        VersusKind.Difference => ours - baseline,
        _ => (ours - baseline) / Math.Abs(baseline) * 100,
    };

    public string Text => As.ToString().ToLowerInvariant();
}

/// <summary>
/// One of a seed's claims, stated so that it can be checked against an experiment's runs: the seed's words and
/// figures, which runs and which number of theirs (<see cref="Metric"/>), how the seeds of a group are put
/// together (<see cref="Aggregate"/>), optionally per value of an axis (<see cref="Per"/>: "at every depth") and
/// against baseline runs (<see cref="Versus"/>), and the test the result must pass.
/// </summary>
public sealed record ClaimDefinition(
    string Name,
    string Statement,
    string SeedFigure,
    IReadOnlyList<double> SeedValues,
    MetricReading Metric,
    RunSelection Runs,
    ClaimAggregate Aggregate,
    ClaimTest Test)
{
    /// <summary>An axis whose values form the groups (each checked, or compared with each other); null: one group.</summary>
    public string? Per { get; init; }
    public Versus? Versus { get; init; }
    /// <summary>For ranking relations: whether larger is better (throughput); smaller is better otherwise (loss).</summary>
    public bool HigherIsBetter { get; init; }
    /// <summary>Finished runs each group needs (seeds); fewer leave the claim "not yet".</summary>
    public int? MinRuns { get; init; }

    public int RequiredRuns => MinRuns ?? Aggregate.DefaultMinRuns;
}
