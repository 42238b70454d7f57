using System.Text.Json.Nodes;
using Dashboard.Domain.Claims;

namespace Dashboard.Web.Claims;

/// <summary>A claim and its verdict as the API answers it (under "claims" of GET /api/experiments/{id}).</summary>
public sealed record ClaimVerdictDto(
    string Name, string Statement, string Seed, IReadOnlyList<double> SeedValues, string Verdict, string Ours, string Reason,
    int RunsNeeded, int RunsUnfinished, IReadOnlyList<ClaimGroupDto> Groups, IReadOnlyList<long> DecidingRunIds, JsonObject Definition)
{
    public static ClaimVerdictDto From(ClaimVerdict v) => new(
        v.Claim.Name, v.Claim.Statement, v.Claim.SeedFigure, v.Claim.SeedValues, VerdictName(v.Outcome), v.Ours, v.Reason,
        v.RunsNeeded, v.RunsUnfinished, v.Groups.Select(ClaimGroupDto.From).ToList(), v.DecidingRunIds, ClaimJson.ToJson(v.Claim));

    /// <summary>"holds", "does_not_hold" or "not_yet".</summary>
    public static string VerdictName(ClaimOutcome outcome) => outcome switch
    {
        ClaimOutcome.Holds => "holds",
        ClaimOutcome.DoesNotHold => "does_not_hold",
        _ => "not_yet",
    };
}

/// <summary>One group of a claim (per-axis value): its number and spread, and how many runs stand behind it.</summary>
public sealed record ClaimGroupDto(
    string Label, string? PerValue, double? Value, double? Low, double? High, double? Baseline, int Finished, int Unfinished,
    int Lost, int Needed, int NonFinite, bool? Passes, IReadOnlyList<long> RunIds, IReadOnlyList<long> BaselineRunIds)
{
    public static ClaimGroupDto From(ClaimGroup g) => new(g.Label, g.PerValue, g.Value, g.Low, g.High, g.Baseline, g.Finished,
        g.Unfinished, g.Lost, g.Needed, g.NonFinite, g.Passes, g.RunIds, g.BaselineRunIds);
}
