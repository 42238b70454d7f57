using Dashboard.Domain.Runs;

namespace Dashboard.Domain.Families;

/// <summary>
/// When a family's run counts as divergent rather than bounded: it ended in the diverged state, or the final
/// value of <see cref="Metric"/> is not finite, or is above <see cref="Above"/> when a threshold is set
/// (seed 003 calls a rollout divergent when its last-100-step MSE passes a threshold).
/// </summary>
public sealed record DivergenceRule(string Metric, double? Above = null)
{
    public bool IsDivergent(RunState state, IReadOnlyDictionary<string, double> finalMetrics) =>
        state == RunState.Diverged
        || (finalMetrics.TryGetValue(Metric, out var value) && (!double.IsFinite(value) || value > Above));
}
