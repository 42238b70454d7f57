using System.Text.Json.Nodes;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Runs;

namespace Dashboard.Domain.Families.SympScale;

/// <summary>
/// Seed 003's table from an experiment's runs: one row per (system, D, other swept values), the models' runs
/// paired by seed. Per model: bounded/divergent counts, last-100 MSE spread and range, conservation residual
/// mean ± 95 % CI (primary and projected), peak GPU memory; per row: the GRU/Symp last-100 MSE ratio per seed as
/// median and IQR (a divergent GRU with a non-finite MSE counts as an infinite ratio, not as a missing one) and
/// the parameter counts.
/// </summary>
public static class SympScaleSummary
{
    public const string ParametersKey = "capacity/parameters";
    public const string ParametersSympKey = "capacity/parameters_symp";
    public const string ParametersGruKey = "capacity/parameters_gru";

    public static IReadOnlyList<SympScaleRow> Build(JsonObject baseConfig, IReadOnlyList<RunResult> runs)
    {
        var defaults = new SympScaleFamily().WithDefaults(baseConfig);
        JsonNode? Value(RunResult run, string field) => run.AxisValues[field] ?? defaults[field];

        var rows = new List<SympScaleRow>();
        foreach (var group in runs.GroupBy(r => SweepConfig.Of(Without(r.AxisValues, "model")).Key))
        {
            var first = group.First();
            var system = ConfigValue.Text(Value(first, "system")) ?? "?";
            var dim = ConfigValue.Integer(Value(first, "dim")) ?? 0;
            var others = Without(first.AxisValues, "model", "system", "dim");
            var models = group.GroupBy(r => ConfigValue.Text(Value(r, "model")) ?? "?")
                .OrderBy(g => Array.IndexOf(SympScaleFamily.Models, g.Key))
                .ToDictionary(g => g.Key, g => Outcome(g.Key, g.ToList()), StringComparer.Ordinal);
            var finished = group.Where(r => r.IsFinished).ToList();
            rows.Add(new SympScaleRow(system, dim, others.Count == 0 ? "" : SweepConfig.Of(others).Label, models,
                Ratio(finished.Where(r => ConfigValue.Text(Value(r, "model")) == "gru"), finished.Where(r => ConfigValue.Text(Value(r, "model")) == "symp")),
                Last(finished, ParametersSympKey), Last(finished, ParametersGruKey)));
        }
        return rows.OrderBy(r => Array.IndexOf(SympScaleFamily.Systems, r.System)).ThenBy(r => r.Dim).ThenBy(r => r.Label, StringComparer.Ordinal).ToList();
    }

    /// <summary>Divergent: diverged in training, bounded = 0 at the end, or (without that metric) a last-100 MSE not finite or above 100.</summary>
    public static bool IsDivergent(RunResult run)
    {
        if (run.State == RunState.Diverged) return true;
        if (run.FinalMetrics.TryGetValue(SympScaleFamily.Keys.Bounded, out var bounded)) return bounded < 0.5;
        return !run.FinalMetrics.TryGetValue(SympScaleFamily.Keys.Last100Mse, out var mse) || !(mse <= 100);
    }

    private static ModelOutcome Outcome(string model, List<RunResult> runs)
    {
        var finished = runs.Where(r => r.IsFinished).ToList();
        var divergent = finished.Count(IsDivergent);
        IEnumerable<double> Finals(string key) => finished.Where(r => r.FinalMetrics.ContainsKey(key)).Select(r => r.FinalMetrics[key]);
        var mse = Finals(SympScaleFamily.Keys.Last100Mse).Where(double.IsFinite).ToList();
        return new ModelOutcome(model, runs.Count, finished.Count, finished.Count - divergent, divergent,
            Spread.Of(mse), mse.Count == 0 ? null : mse.Min(), mse.Count == 0 ? null : mse.Max(),
            MeanInterval.Of(Finals(SympScaleFamily.Keys.Residual)), MeanInterval.Of(Finals(SympScaleFamily.Keys.ResidualProjected)),
            Last(finished, ParametersKey), Finals(Metrics.MetricKey.GpuMemoryPeakMb).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max());
    }

    private static RatioSpread? Ratio(IEnumerable<RunResult> gru, IEnumerable<RunResult> symp)
    {
        var sympBySeed = symp.Where(r => r.Seed is not null).GroupBy(r => r.Seed!.Value).ToDictionary(g => g.Key, g => g.First());
        var ratios = new List<double>();
        foreach (var g in gru.Where(r => r.Seed is { } s && sympBySeed.ContainsKey(s)))
        {
            var s = sympBySeed[g.Seed!.Value];
            if (!s.FinalMetrics.TryGetValue(SympScaleFamily.Keys.Last100Mse, out var sm) || !double.IsFinite(sm) || sm <= 0) continue;
            var gm = g.FinalMetrics.TryGetValue(SympScaleFamily.Keys.Last100Mse, out var v) ? v : double.NaN;
            ratios.Add(double.IsFinite(gm) && g.State != RunState.Diverged ? gm / sm : double.PositiveInfinity);
        }
        if (ratios.Count == 0) return null;
        ratios.Sort();
        return new RatioSpread(Quantile(ratios, 0.5), Quantile(ratios, 0.25), Quantile(ratios, 0.75), ratios.Count);
    }

    /// <summary>Linear-interpolation quantile (type 7) that keeps +∞ entries: any weight on an infinite neighbour gives +∞.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p)
    {
        var position = p * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        var fraction = position - below;
        if (fraction == 0 || sorted[above] == sorted[below]) return sorted[below];
        return double.IsPositiveInfinity(sorted[above]) ? double.PositiveInfinity : sorted[below] + fraction * (sorted[above] - sorted[below]);
    }

    private static double? Last(IEnumerable<RunResult> runs, string key) =>
        runs.Select(r => r.FinalMetrics.TryGetValue(key, out var v) ? v : (double?)null).FirstOrDefault(v => v is not null);

    private static JsonObject Without(JsonObject values, params string[] fields) =>
        new(values.Where(p => !fields.Contains(p.Key)).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
}

/// <summary>One row of the seed-003 table.</summary>
public sealed record SympScaleRow(string System, long Dim, string Label, IReadOnlyDictionary<string, ModelOutcome> Models,
    RatioSpread? Ratio, double? ParametersSymp, double? ParametersGru)
{
    public bool IsAnchor => System == SympScaleSeedFigures.AnchorSystem && Dim == SympScaleSeedFigures.AnchorDim && Label.Length == 0;
    public double? ParameterRatio => ParametersSymp is { } s && ParametersGru is { } g && g > 0 ? s / g : null;
}

/// <summary>One model's runs in a row.</summary>
public sealed record ModelOutcome(string Model, int Runs, int Finished, int Bounded, int Divergent, Spread? Last100, double? MinMse,
    double? MaxMse, MeanInterval? Residual, MeanInterval? ResidualProjected, double? Parameters, double PeakMemoryMb)
{
    public double? BoundedFraction => Finished == 0 ? null : (double)Bounded / Finished;
}

/// <summary>Median and quartiles of the per-seed GRU/Symp ratios (+∞ where the GRU's MSE is not finite).</summary>
public sealed record RatioSpread(double Median, double Q1, double Q3, int Pairs);
