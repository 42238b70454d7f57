using System.Globalization;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Families;
using Dashboard.Domain.Runs;

namespace Dashboard.Domain.Claims;

/// <summary>
/// Checks claims against an experiment's runs: a pure function of the runs' states and numbers. A diverged run
/// is a result: a count of bounded runs counts it as failing, and a median or mean puts it at the failing end
/// (a run without a finite value is never dropped). Failed and cancelled runs have no result; they leave a
/// group short, so the claim waits for more runs.
/// </summary>
public static class ClaimEvaluation
{
    public static IReadOnlyList<ClaimVerdict> Evaluate(IReadOnlyList<ClaimDefinition> claims, IReadOnlyList<RunResult> runs,
        DivergenceRule? divergence) => claims.Select(c => Evaluate(c, runs, divergence)).ToList();

    public static ClaimVerdict Evaluate(ClaimDefinition claim, IReadOnlyList<RunResult> runs, DivergenceRule? divergence)
    {
        var groups = GroupValues(claim, runs).Select(v => Group(claim, v, runs, divergence)).ToList();
        var needed = groups.Sum(g => g.Needed);
        var unfinished = groups.Sum(g => g.Unfinished);
        ClaimOutcome outcome;
        string reason;
        IReadOnlyList<long> deciding;
        if (!claim.Test.AcrossGroups)
        {
            groups = groups.Select(g => g with { Passes = g.Value is { } v ? claim.Test.Passes(v, g.Finished) : null }).ToList();
            var failed = groups.Where(g => g.Decided && g.Passes == false).ToList();
            if (failed.Count > 0)
            {
                outcome = ClaimOutcome.DoesNotHold;
                reason = string.Join("; ", failed.Select(g => $"{g.Label}: {Number(claim, g)} is not {claim.Test.Readable}"));
                deciding = failed.SelectMany(Runs).ToList();
            }
            else if (groups.Any(g => !g.Decided))
            {
                outcome = ClaimOutcome.NotYet;
                reason = Waiting(groups);
                deciding = [];
            }
            else
            {
                outcome = ClaimOutcome.Holds;
                // Ours already lists each group's number; with several groups say only that each passed.
                reason = groups.Count == 1
                    ? $"{groups[0].Label}: {Number(claim, groups[0])} is {claim.Test.Readable}"
                    : $"each of {string.Join(", ", groups.Select(g => g.Label))} is {claim.Test.Readable}";
                deciding = groups.SelectMany(Runs).ToList();
            }
        }
        else if (groups.Count == 0 || groups.Any(g => !g.Decided))
        {
            outcome = ClaimOutcome.NotYet;
            reason = groups.Count == 0 ? $"no run matches {claim.Runs}" : Waiting(groups);
            deciding = [];
        }
        else
        {
            (var holds, reason) = AcrossGroups(claim, groups);
            outcome = holds ? ClaimOutcome.Holds : ClaimOutcome.DoesNotHold;
            deciding = groups.SelectMany(Runs).ToList();
        }
        return new ClaimVerdict(claim, outcome, Ours(claim, groups), reason, needed, unfinished, groups, deciding.Distinct().ToList());
    }

    private static IEnumerable<long> Runs(ClaimGroup g) => g.RunIds.Concat(g.BaselineRunIds);

    /// <summary>
    /// The per-axis values to check: those the selection lists, else those a ranking expects plus the ones the runs
    /// have; numbers in numeric order (depth 12, 24, 48), other values in the order the runs first show them.
    /// </summary>
    private static IReadOnlyList<string?> GroupValues(ClaimDefinition claim, IReadOnlyList<RunResult> runs)
    {
        if (claim.Per is not { } axis) return [null];
        if (claim.Runs.ValuesOf(axis) is { } listed) return listed.ToList();
        var seen = new List<string>(claim.Test.Expected ?? []);
        foreach (var run in runs.Where(claim.Runs.Matches))
            if (run.AxisValues.TryGetPropertyValue(axis, out var v) && SweepConfig.Show(v) is var text && !seen.Contains(text))
                seen.Add(text);
        if (seen.All(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            seen = seen.OrderBy(s => double.Parse(s, CultureInfo.InvariantCulture)).ToList();
        return seen;
    }

    private static ClaimGroup Group(ClaimDefinition claim, string? value, IReadOnlyList<RunResult> runs, DivergenceRule? divergence)
    {
        var selection = value is null ? claim.Runs : claim.Runs.With(claim.Per!, value);
        var label = value is null ? selection.ToString() : $"{claim.Per}={value}";
        var side = Side(claim, selection, runs, divergence);
        var group = new ClaimGroup(label, value, side.RunIds, side.Unfinished, side.Finished, side.Lost, side.Needed,
            side.Value, side.Low, side.High, side.NonFinite);
        if (claim.Versus is not { } versus || claim.Aggregate.Kind == AggregateKind.Count) return group;

        var baseSelection = value is null ? versus.Runs : versus.Runs.With(claim.Per!, value);
        var baseline = Side(claim, baseSelection, runs, divergence);
        double? combined = side.Value is { } a && baseline.Value is { } b ? versus.Combine(a, b) : null;
        return group with
        {
            Unfinished = side.Unfinished + baseline.Unfinished,
            Lost = side.Lost + baseline.Lost,
            Needed = side.Needed + baseline.Needed,
            Value = combined is { } c && double.IsNaN(c) ? claim.Test.FailingValue : combined,
            Low = null,
            High = null,
            Baseline = baseline.Value,
            BaselineRunIds = baseline.RunIds,
        };
    }

    private sealed record SideNumbers(IReadOnlyList<long> RunIds, int Unfinished, int Finished, int Lost, int Needed,
        double? Value, double? Low, double? High, int NonFinite);

    private static SideNumbers Side(ClaimDefinition claim, RunSelection selection, IReadOnlyList<RunResult> runs, DivergenceRule? divergence)
    {
        var matching = runs.Where(selection.Matches).ToList();
        var results = matching.Where(r => r.IsFinished).ToList();
        var unfinished = matching.Count(r => !r.State.IsTerminal());
        var lost = matching.Count(r => r.State.IsTerminal() && !r.IsFinished);
        var needed = Math.Max(0, claim.RequiredRuns - results.Count);
        var ids = results.Select(r => r.RunId).ToList();
        if (results.Count == 0) return new(ids, unfinished, 0, lost, needed, null, null, null, 0);

        if (claim.Aggregate.Kind == AggregateKind.Count)
        {
            var count = results.Count(r => Meets(claim, r, divergence));
            return new(ids, unfinished, results.Count, lost, needed, count, null, null, 0);
        }

        var values = results.Select(r => claim.Metric.Of(r)).ToList();
        var nonFinite = values.Count(v => v is not { } x || !double.IsFinite(x));
        var failing = claim.Test.FailingValue;
        var numbers = values.Select(v => v is { } x && double.IsFinite(x) ? x : failing).Order().ToList();
        if (claim.Aggregate.Kind == AggregateKind.Mean)
        {
            if (nonFinite > 0) return new(ids, unfinished, results.Count, lost, needed, failing, null, null, nonFinite);
            var interval = Comparisons.MeanInterval.Of(numbers)!;   // every number is finite here
            var (mean, half) = (interval.Mean, interval.HalfWidth);
            return new(ids, unfinished, results.Count, lost, needed, mean,
                double.IsNaN(half) ? null : mean - half, double.IsNaN(half) ? null : mean + half, 0);
        }
        return new(ids, unfinished, results.Count, lost, needed,
            Quantile(numbers, 0.5), Quantile(numbers, 0.25), Quantile(numbers, 0.75), nonFinite);
    }

    private static bool Meets(ClaimDefinition claim, RunResult run, DivergenceRule? divergence)
    {
        var divergent = divergence?.IsDivergent(run.State, run.FinalMetrics) ?? run.State == RunState.Diverged;
        return claim.Aggregate.Condition switch
        {
            RunCondition.Diverged => divergent,
            RunCondition.Finite => claim.Metric.Of(run) is { } v && double.IsFinite(v),
            _ => !divergent,
        };
    }

    /// <summary>Type-7 quantile (as <see cref="Spread.Quantile"/>) that also takes the infinities failing runs stand for.</summary>
    internal static double Quantile(IReadOnlyList<double> sorted, double p)
    {
        var position = p * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        var fraction = position - below;
        if (fraction == 0 || sorted[below] == sorted[above]) return sorted[below];
        if (double.IsInfinity(sorted[above])) return sorted[above];
        if (double.IsInfinity(sorted[below])) return sorted[below];
        return sorted[below] + fraction * (sorted[above] - sorted[below]);
    }

    private static (bool Holds, string Reason) AcrossGroups(ClaimDefinition claim, IReadOnlyList<ClaimGroup> groups)
    {
        var values = groups.Select(g => g.Value!.Value).ToList();
        var allFinite = values.All(double.IsFinite);
        var listing = string.Join(", ", groups.Select(g => $"{g.PerValue}: {Format(g.Value!.Value)}"));
        switch (claim.Test.Relation)
        {
            case Relation.Flat:
            {
                var spread = allFinite ? values.Max() - values.Min() : double.PositiveInfinity;
                var holds = spread <= claim.Test.Tolerance;
                return (holds, $"spread {Format(spread)} {(holds ? "≤" : ">")} {ClaimTest.N(claim.Test.Tolerance)} across {listing}");
            }
            case Relation.Increasing or Relation.Decreasing:
            {
                var sign = claim.Test.Relation == Relation.Increasing ? 1 : -1;
                var holds = allFinite && values.Zip(values.Skip(1)).All(p => sign * (p.Second - p.First) > 0);
                return (holds, $"{listing}: {(holds ? "" : "not ")}{claim.Test.Readable}");
            }
            default:
            {
                var ranked = groups.OrderBy(g => double.IsFinite(g.Value!.Value) ? 0 : 1)
                    .ThenBy(g => claim.HigherIsBetter ? -g.Value!.Value : g.Value!.Value).Select(g => g.PerValue!).ToList();
                var order = string.Join(" < ", ranked.Select(r => r));
                if (claim.Test.Relation == Relation.RanksFirst)
                {
                    var holds = ranked[0] == claim.Test.Expected?.FirstOrDefault();
                    return (holds, $"first by {claim.Metric}: {ranked[0]} ({listing})");
                }
                var expected = (claim.Test.Expected ?? []).Where(ranked.Contains).ToList();
                var rho = Spearman(expected, ranked.Where(expected.Contains).ToList());
                var ok = rho >= claim.Test.Value;
                return (ok, $"ours ranks {string.Join(", ", ranked)}; Spearman ρ = {Format(rho)} against the seed's order {(ok ? "≥" : "<")} {ClaimTest.N(claim.Test.Value)}");
            }
        }
    }

    /// <summary>Spearman's rank correlation of two orderings of the same items (no ties): 1 − 6Σd² / (n(n² − 1)).</summary>
    public static double Spearman(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var n = expected.Count;
        if (n < 2) return n == 1 && actual.Count == 1 && expected[0] == actual[0] ? 1 : double.NaN;
        double sum = 0;
        for (var i = 0; i < n; i++)
        {
            var d = i - actual.ToList().IndexOf(expected[i]);
            sum += d * d;
        }
        return 1 - 6 * sum / (n * ((double)n * n - 1));
    }

    private static string Waiting(IReadOnlyList<ClaimGroup> groups)
    {
        var parts = new List<string>();
        var unfinished = groups.Sum(g => g.Unfinished);
        if (unfinished > 0) parts.Add($"{unfinished} run{(unfinished == 1 ? "" : "s")} unfinished");
        foreach (var g in groups.Where(g => g.Needed > 0))
            parts.Add($"{g.Label} needs {g.Needed} more finished run{(g.Needed == 1 ? "" : "s")}{(g.Lost > 0 ? $" ({g.Lost} failed or cancelled)" : "")}");
        return string.Join("; ", parts);
    }

    /// <summary>Our number(s) as the panel shows them: the aggregate with its spread and run count, per group.</summary>
    private static string Ours(ClaimDefinition claim, IReadOnlyList<ClaimGroup> groups)
    {
        var shown = groups.Where(g => g.Value is not null).ToList();
        if (shown.Count == 0) return "—";
        if (groups.Count == 1 && claim.Per is null) return Number(claim, groups[0]);
        return string.Join("; ", shown.Select(g => $"{g.PerValue}: {Number(claim, g)}"));
    }

    internal static string Number(ClaimDefinition claim, ClaimGroup g)
    {
        if (g.Value is not { } v) return "—";
        var diverged = g.NonFinite > 0 ? $", {g.NonFinite} without a finite value" : "";
        if (claim.Aggregate.Kind == AggregateKind.Count)
            return $"{Format(v)} of {g.Finished} {claim.Aggregate.Condition.ToString().ToLowerInvariant()}";
        if (claim.Versus is { } versus)
        {
            var unit = versus.As switch { VersusKind.Ratio => "×", VersusKind.Percent => " %", _ => "" };
            return $"{Format(v)}{unit} ({Format(g.Baseline ?? double.NaN)} baseline, n = {g.Finished}{diverged})";
        }
        return claim.Aggregate.Kind == AggregateKind.Mean
            ? g.Low is { } lo && g.High is { } hi
                ? $"{Format(v)} ± {Format((hi - lo) / 2)} (95 % CI, n = {g.Finished})"
                : $"{Format(v)} (n = {g.Finished}{diverged})"
            : $"{Format(v)} (IQR {Format(g.Low ?? v)} … {Format(g.High ?? v)}, n = {g.Finished}{diverged})";
    }

    public static string Format(double v) => double.IsPositiveInfinity(v) ? "+∞" : double.IsNegativeInfinity(v) ? "−∞"
        : double.IsNaN(v) ? "NaN" : v.ToString("G4", CultureInfo.InvariantCulture).Replace('-', '−');
}
