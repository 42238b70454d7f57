using Dashboard.Domain.Families;

namespace Dashboard.Domain.Comparisons;

/// <summary>Groups a sweep's runs by config (axis values without the seed) and summarises each group.</summary>
public static class SweepAggregation
{
    /// <summary>
    /// One aggregate per config, in the order the configs first appear in <paramref name="runs"/>. Only
    /// finished runs (succeeded or diverged) count towards the spreads and the bounded/divergent counts; a
    /// run without a <paramref name="divergence"/> rule is divergent only when it ended diverged.
    /// </summary>
    public static IReadOnlyList<ConfigAggregate> Aggregate(IReadOnlyList<RunResult> runs, DivergenceRule? divergence)
    {
        var groups = new List<(SweepConfig Config, List<RunResult> Runs)>();
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            var config = SweepConfig.Of(run.AxisValues);
            if (!byKey.TryGetValue(config.Key, out var index))
            {
                byKey[config.Key] = index = groups.Count;
                groups.Add((config, []));
            }
            groups[index].Runs.Add(run);
        }

        return groups.Select(g =>
        {
            var finished = g.Runs.Where(r => r.IsFinished).ToList();
            var divergent = finished.Count(r => divergence?.IsDivergent(r.State, r.FinalMetrics)
                                                ?? r.State == Runs.RunState.Diverged);
            var keys = finished.SelectMany(r => r.FinalMetrics.Keys).Distinct(StringComparer.Ordinal);
            var metrics = new Dictionary<string, Spread>(StringComparer.Ordinal);
            foreach (var key in keys)
                if (Spread.Of(finished.Where(r => r.FinalMetrics.ContainsKey(key)).Select(r => r.FinalMetrics[key])) is { } spread)
                    metrics[key] = spread;
            return new ConfigAggregate(g.Config, g.Runs.Select(r => r.RunId).ToList(), finished.Count,
                finished.Count - divergent, divergent, metrics);
        }).ToList();
    }
}
