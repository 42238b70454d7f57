namespace Dashboard.Domain.Claims;

public enum ClaimOutcome { Holds, DoesNotHold, NotYet }

/// <summary>
/// One group of a claim (all its runs, or those at one value of the per-axis): how many runs are unfinished,
/// finished, lost (failed or cancelled: no result) and still needed, and its number — the aggregate with its
/// spread (<see cref="Low"/>–<see cref="High"/>: the IQR of a median, the 95 % CI of a mean), or against the
/// baseline's. <see cref="NonFinite"/> runs had no finite value and stand at the failing end.
/// </summary>
public sealed record ClaimGroup(
    string Label,
    string? PerValue,
    IReadOnlyList<long> RunIds,
    int Unfinished,
    int Finished,
    int Lost,
    int Needed,
    double? Value,
    double? Low,
    double? High,
    int NonFinite)
{
    /// <summary>The baseline's aggregate when the claim compares with one.</summary>
    public double? Baseline { get; init; }
    public IReadOnlyList<long> BaselineRunIds { get; init; } = [];
    /// <summary>Whether this group's number passes a per-group test (null: no number yet, or an across-groups test).</summary>
    public bool? Passes { get; init; }

    /// <summary>Every run it needs has finished, so more waiting cannot change its number.</summary>
    public bool Decided => Unfinished == 0 && Needed == 0 && Value is not null;
}

/// <summary>
/// What a claim's check came to: holds, does not hold, or not yet (runs unfinished or too few: <see cref="RunsNeeded"/>
/// more finished runs are needed), with our number as text, the reason in numbers, the groups, and the runs that decided it.
/// </summary>
public sealed record ClaimVerdict(
    ClaimDefinition Claim,
    ClaimOutcome Outcome,
    string Ours,
    string Reason,
    int RunsNeeded,
    int RunsUnfinished,
    IReadOnlyList<ClaimGroup> Groups,
    IReadOnlyList<long> DecidingRunIds)
{
    public string OutcomeText => Outcome switch
    {
        ClaimOutcome.Holds => "holds",
        ClaimOutcome.DoesNotHold => "does not hold",
        _ => "not yet",
    };
}
