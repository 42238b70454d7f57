using System.Globalization;

namespace Dashboard.Domain.Claims;

public enum Relation { AtMost, AtLeast, Within, All, Flat, Increasing, Decreasing, RanksFirst, Order }

/// <summary>
/// The test a claim's number must pass. Per group: ≤ v, ≥ v, within a tolerance of v (absolute, or a percentage
/// of v), every run (a count equal to the group's runs). Across the groups of the per-axis: flat (largest minus
/// smallest within the tolerance), increasing, decreasing (in the order the groups are listed), the expected
/// group ranks first, or the groups rank in the expected order (Spearman's ρ at least <see cref="Value"/>).
/// </summary>
public sealed record ClaimTest(Relation Relation, double Value = 0, double Tolerance = 0, bool TolerancePercent = false,
    IReadOnlyList<string>? Expected = null)
{
    /// <summary>Whether the relation compares the groups with each other rather than each group with a number.</summary>
    public bool AcrossGroups => Relation is Relation.Flat or Relation.Increasing or Relation.Decreasing or Relation.RanksFirst or Relation.Order;

    /// <summary>Whether a single group's number passes (per-group relations only).</summary>
    public bool Passes(double ours, int runs) => Relation switch
    {
        Relation.AtMost => ours <= Value,
        Relation.AtLeast => ours >= Value,
        Relation.Within => Math.Abs(ours - Value) <= AllowedDeviation,
        Relation.All => ours >= runs && runs > 0,
        _ => throw new InvalidOperationException($"{Relation} compares groups, not one group with a number."),
    };

    public double AllowedDeviation => TolerancePercent ? Math.Abs(Value) * Tolerance / 100 : Tolerance;

    /// <summary>
    /// The value a run without a finite number stands for: it fails the test rather than leaving it (a diverged
    /// run is never dropped). Below everything for "at least", above everything otherwise.
    /// </summary>
    public double FailingValue => Relation == Relation.AtLeast ? double.NegativeInfinity : double.PositiveInfinity;

    /// <summary>As the claims' JSON writes it, e.g. "<= 0", "within 10% of 1.203", "flat within 0.05", "first: baseline".</summary>
    public string Text => Relation switch
    {
        Relation.AtMost => $"<= {N(Value)}",
        Relation.AtLeast => $">= {N(Value)}",
        Relation.Within => $"within {N(Tolerance)}{(TolerancePercent ? "%" : "")} of {N(Value)}",
        Relation.All => "all",
        Relation.Flat => $"flat within {N(Tolerance)}",
        Relation.Increasing => "increasing",
        Relation.Decreasing => "decreasing",
        Relation.RanksFirst => $"first: {Expected?.FirstOrDefault()}",
        _ => $"order: {string.Join(", ", Expected ?? [])} (spearman >= {N(Value)})",
    };

    /// <summary>How a reader says it: "≤ 0", "within 10 % of 1.203", "all runs".</summary>
    public string Readable => Relation switch
    {
        Relation.AtMost => $"≤ {N(Value)}",
        Relation.AtLeast => $"≥ {N(Value)}",
        Relation.Within => $"within {N(Tolerance)}{(TolerancePercent ? " %" : "")} of {N(Value)}",
        Relation.All => "every run",
        Relation.Flat => $"flat (spread ≤ {N(Tolerance)})",
        Relation.Increasing => "increasing",
        Relation.Decreasing => "decreasing",
        Relation.RanksFirst => $"{Expected?.FirstOrDefault()} ranks first",
        _ => $"seed's order (Spearman ρ ≥ {N(Value)})",
    };

    internal static string N(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
