namespace Dashboard.Domain.Comparisons;

/// <summary>A compared run's final value of the ranked metric.</summary>
public sealed record RankingEntry(long RunId, string Label, string State, double? Final, long? Step, string? Color = null);

/// <summary>A run's place in the ranking, and how far it is from the baseline run (absolute and relative).</summary>
public sealed record RankedRun(RankingEntry Entry, int? Rank, double? Delta, double? RelativeDelta, bool IsBaseline, bool Better);

/// <summary>
/// Ranks single runs (the compare page's runs, from any experiments) by a metric's final value, with deltas
/// against a baseline run; <see cref="Ranking"/> does the same for sweep configs over their seeds' medians.
/// Runs without a finite final value (no points yet, NaN or infinite: diverged) rank after every other run.
/// </summary>
public static class RunRanking
{
    public static IReadOnlyList<RankedRun> Rank(IReadOnlyList<RankingEntry> entries, bool higherIsBetter, long? baselineRunId)
    {
        var finite = entries.Where(e => e.Final is { } v && double.IsFinite(v));
        var ordered = (higherIsBetter ? finite.OrderByDescending(e => e.Final) : finite.OrderBy(e => e.Final))
            .ThenBy(e => e.RunId).ToList();
        var baseline = entries.FirstOrDefault(e => e.RunId == baselineRunId)?.Final is { } b && double.IsFinite(b) ? b : (double?)null;
        var ranked = new List<RankedRun>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var e = ordered[i];
            // Ties share a rank (1, 2, 2, 4).
            var rank = i > 0 && ordered[i - 1].Final == e.Final ? ranked[i - 1].Rank : i + 1;
            double? delta = baseline is { } bv ? e.Final!.Value - bv : null;
            double? relative = baseline is { } bv2 && bv2 != 0 ? delta / Math.Abs(bv2) : null;
            var better = delta is { } d && Ranking.IsImprovement(d, higherIsBetter);
            ranked.Add(new RankedRun(e, rank, delta, relative, e.RunId == baselineRunId, better));
        }
        ranked.AddRange(entries.Except(ordered).OrderBy(e => e.RunId)
            .Select(e => new RankedRun(e, null, null, null, e.RunId == baselineRunId, false)));
        return ranked;
    }

    /// <summary>Whether larger is better for a metric the family does not rank by: accuracy, reward, throughput and the like.</summary>
    public static bool GuessHigherIsBetter(string key)
    {
        string[] higher = ["acc", "reward", "score", "per_sec", "throughput", "f1", "auc", "precision", "recall", "bleu", "success"];
        return higher.Any(h => key.Contains(h, StringComparison.OrdinalIgnoreCase));
    }
}
