using System.Globalization;

namespace Dashboard.Domain.Families;

/// <summary>What one hhml run measured, as the experiment page reads it: its scale, per-cycle series and summary.</summary>
/// <param name="Series">Per metric key ("reward", "density", "quality", "removed", "cycles_at_target", …) its (cycle, value) points.</param>
public sealed record HhmlRunTrace(
    long RunId, string Mode, int Strips, int NodesPerStrip, int Hidden, long Parameters,
    IReadOnlyDictionary<string, IReadOnlyList<(long Cycle, double Value)>> Series,
    double? SecondsPerCycle, double? PeakGpuMemoryMb, long? CyclesCompleted, bool TimeLimitReached)
{
    public long Nodes => (long)Strips * NodesPerStrip;

    public double? At(string key, long cycle)
    {
        foreach (var (at, value) in Of(key))
            if (at == cycle) return value;
        return null;
    }

    public IReadOnlyList<(long Cycle, double Value)> Of(string key) => Series.TryGetValue(key, out var points) ? points : [];

    /// <summary>The first cycle whose reward is the maximum, 1,650; null when none is.</summary>
    public long? FirstMaximumCycle => Of("reward").Where(p => p.Value >= HhmlReport.MaximumReward - 1e-9).Select(p => (long?)p.Cycle).FirstOrDefault();

    public bool IsScaled => Hidden == HhmlReport.SeedScaled.Hidden && Strips == HhmlReport.SeedScaled.Strips;
    public bool IsBaseline => Hidden == HhmlReport.SeedBaseline.Hidden && Strips == HhmlReport.SeedBaseline.Strips;
}

/// <summary>A row of the cycle table (write-up Table 2): density, quality, reward, removals, stable cycles at cycle n.</summary>
public sealed record HhmlCycleRow(long Cycle, double? Density, double? Quality, double? Reward, double? Removed, double? Stable);

/// <summary>One configuration of the write-up's scale comparison (Table 3) as the seed reported it.</summary>
public sealed record HhmlSeedScale(
    string Name, int Strips, int NodesPerStrip, int Hidden, long Parameters, string ParametersText, string CyclesToConverge,
    double SecondsPerCycle, string Memory, string TrainingTime);

public enum HhmlVerdict { Holds, DoesNotHold, NotMeasured }

/// <summary>A claim of the seed, its figure, what our runs show, and the computed verdict.</summary>
public sealed record HhmlClaimResult(string Id, string Claim, string SeedFigure, string Ours, HhmlVerdict Verdict);

/// <summary>
/// Seed 000's tables and claims beside what hhml runs measured. The seed's figures are data from its write-up; ours
/// come from the runs' metric series and summaries; every verdict is computed from them, never written in.
/// </summary>
public static class HhmlReport
{
    public const double MaximumReward = 1650;

    /// <summary>The cycles of the write-up's Table 2.</summary>
    public static readonly long[] TableCycles = [1, 3, 6, 9, 12, 15, 30, 60];

    public static readonly HhmlSeedScale SeedBaseline =
        new("baseline", 2, 2000, 512, 10_333_112, "10.3M", "505", 5.0, "~5 GB", "42 min");

    public static readonly HhmlSeedScale SeedScaled =
        new("h200-scaled", 10, 2000, 6144, 1_214_808_120, "1,214M", "1", 10.5, "19.4 GB (params × 16 B, a formula)", "11.2 min (60 cycles, 672.5 s)");

    /// <summary>Table 2 as the write-up printed it: density 100 %, quality 1.00, no removals, stable = n.</summary>
    public static IReadOnlyList<HhmlCycleRow> SeedCycleTable { get; } =
        TableCycles.Select(n => new HhmlCycleRow(n, 1.0, 1.0, n switch { 1 => 1450, 3 => 1490, 6 => 1550, 9 => 1610, _ => 1650 }, 0, n)).ToList();

    /// <summary>R(n) = 1450 + min(200, 20(n − 1)): what the spec derives for the code as run (a zero field).</summary>
    public static double AsRunReward(long cycle) => 1450 + Math.Min(200, 20 * (cycle - 1));

    public static IReadOnlyList<HhmlCycleRow> CycleTable(HhmlRunTrace run) =>
        TableCycles.Select(n => new HhmlCycleRow(n, run.At("density", n), run.At("quality", n), run.At("reward", n), run.At("removed", n),
            run.At("cycles_at_target", n))).ToList();

    /// <summary>The seed's claims for one mode, judged on that mode's runs (the scale comparison needs both scales).</summary>
    public static IReadOnlyList<HhmlClaimResult> Claims(IReadOnlyList<HhmlRunTrace> runsOfMode)
    {
        var scaled = runsOfMode.FirstOrDefault(r => r.IsScaled) ?? runsOfMode.OrderByDescending(r => r.Parameters).FirstOrDefault();
        var baseline = runsOfMode.FirstOrDefault(r => r.IsBaseline && !ReferenceEquals(r, scaled));
        var results = new List<HhmlClaimResult>();
        if (scaled is null || scaled.Of("reward").Count == 0)
        {
            foreach (var (id, claim, figure) in Statements) results.Add(new(id, claim, figure, "no cycles yet", HhmlVerdict.NotMeasured));
            return results;
        }
        var cycles = scaled.Of("reward").Count;
        var over = $"over {cycles} cycle{(cycles == 1 ? "" : "s")} of run #{scaled.RunId}";

        var density = scaled.Of("density").Select(p => p.Value).DefaultIfEmpty(double.NaN).Min();
        results.Add(new("density", Statements[0].Claim, Statements[0].Figure, $"lowest density {Percent(density)} {over}",
            Judge(density >= 1.0)));
        var quality = scaled.Of("quality").Select(p => p.Value).DefaultIfEmpty(double.NaN).Min();
        results.Add(new("quality", Statements[1].Claim, Statements[1].Figure, $"lowest quality {Fixed(quality)} {over}",
            Judge(quality >= 0.995)));
        var removed = scaled.Of("removed").Select(p => p.Value).DefaultIfEmpty(double.NaN).Max();
        results.Add(new("annihilations", Statements[2].Claim, Statements[2].Figure, $"most removed in a cycle: {Fixed(removed, "0")} {over}",
            Judge(removed == 0)));

        var first = scaled.FirstMaximumCycle;
        var held = first is { } f && scaled.Of("reward").Where(p => p.Cycle >= f).All(p => p.Value >= MaximumReward - 1e-9);
        results.Add(new("maximum", Statements[3].Claim, Statements[3].Figure,
            first is { } c ? $"first 1,650 at cycle {c}{(held ? ", held to the last cycle" : ", not held")}" : $"never 1,650 {over}",
            first is null ? HhmlVerdict.DoesNotHold : Judge(held && first <= 12)));
        results.Add(new("instant", Statements[4].Claim, Statements[4].Figure,
            first is { } c1 ? $"{c1} cycle{(c1 == 1 ? "" : "s")} to the first maximum reward" : "the maximum reward was never reached",
            Judge(first == 1)));

        if (baseline?.FirstMaximumCycle is { } b && first is { } s)
        {
            var ratio = (double)b / s;
            results.Add(new("speedup", Statements[5].Claim, Statements[5].Figure,
                $"baseline (run #{baseline.RunId}) first 1,650 at cycle {b}, scaled at cycle {s}: {ratio.ToString("0.##", CultureInfo.InvariantCulture)}×",
                Judge(ratio >= 505)));
        }
        else
            results.Add(new("speedup", Statements[5].Claim, Statements[5].Figure,
                baseline is null ? "needs a baseline run of this mode in the experiment (preset scale-comparison)" : "the baseline never reached 1,650",
                baseline is null ? HhmlVerdict.NotMeasured : HhmlVerdict.DoesNotHold));
        return results;
    }

    private static readonly (string Id, string Claim, string Figure)[] Statements =
    [
        ("density", "100 % vortex density in every cycle", "100.0 % in all 60 cycles"),
        ("quality", "Perfect vortex quality in every cycle", "1.00 in all 60 cycles"),
        ("annihilations", "Zero annihilations", "0 in all 60 cycles"),
        ("maximum", "Maximum reward reached and sustained", "1,650 first at cycle 12, held for 48 cycles"),
        ("instant", "Instant convergence", "1 cycle"),
        ("speedup", "505× faster convergence than the 10.3M baseline", "505 cycles vs 1"),
    ];

    private static HhmlVerdict Judge(bool holds) => holds ? HhmlVerdict.Holds : HhmlVerdict.DoesNotHold;

    public static string Percent(double? v) => v is { } x && double.IsFinite(x) ? (x * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "–";

    public static string Fixed(double? v, string format = "0.00") => v is { } x && double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "–";
}
