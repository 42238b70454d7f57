namespace Dashboard.Web.Live;

/// <summary>What a NOTIFY said: a run changed state or progress, or new metric points arrived for it.</summary>
public sealed record RunChange(long RunId, RunChangeKind Kind, string? State = null);

public enum RunChangeKind
{
    /// <summary>The run row changed: state, step or a cancel request (channel run_changed).</summary>
    Run,
    /// <summary>A metric batch for the run was stored (channel metric_points).</summary>
    Metrics,
}
