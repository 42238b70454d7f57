namespace Dashboard.Domain.Claims;

public enum AggregateKind { Median, Mean, Count }

/// <summary>What a run must show to be counted by a count aggregate.</summary>
public enum RunCondition { Bounded, Diverged, Finite }

/// <summary>
/// How a claim puts the seeds of one group together: the median (with its interquartile range), the mean (with
/// a 95 % confidence interval), or the number of runs meeting a condition ("bounded": not divergent).
/// </summary>
public sealed record ClaimAggregate(AggregateKind Kind, RunCondition Condition = RunCondition.Bounded)
{
    public static readonly ClaimAggregate Median = new(AggregateKind.Median);
    public static readonly ClaimAggregate Mean = new(AggregateKind.Mean);

    public static ClaimAggregate Count(RunCondition condition) => new(AggregateKind.Count, condition);

    /// <summary>As the claims' JSON writes it: "median", "mean", "count:bounded", "count:diverged", "count:finite".</summary>
    public string Text => Kind switch
    {
        AggregateKind.Count => $"count:{Condition.ToString().ToLowerInvariant()}",
        _ => Kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The fewest finished runs a group needs before its aggregate says anything (a mean's interval needs two).</summary>
    public int DefaultMinRuns => Kind == AggregateKind.Mean ? 2 : 1;
}
