namespace Dashboard.Domain.Access;

/// <summary>What a review link shows.</summary>
public enum ReviewTargetKind
{
    Run,
    Experiment,
    Comparison,
}
