using System.Globalization;
using System.Text;
using Dashboard.Domain.Claims;
using Dashboard.Web.Components;

namespace Dashboard.Web.Claims;

/// <summary>
/// The seed claims panel and the ranking table as a report to paste into a write-up: Markdown (two tables), or CSV
/// (one table; the first column says which: "claim" rows, then "ranking" rows).
/// </summary>
public static class ClaimReport
{
    public static string Markdown(ExperimentClaims report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# {report.ExperimentName}: seed claims");
        text.AppendLine();
        if (report.Verdicts.Count == 0) text.AppendLine("This experiment declares no claims.");
        else
        {
            text.AppendLine("| claim | seed | ours | verdict | why | runs |");
            text.AppendLine("|---|---|---|---|---|---|");
            foreach (var v in report.Verdicts)
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {Cell(v.Claim.Statement)} | {Cell(v.Claim.SeedFigure)} | {Cell(v.Ours)} | **{Verdict(v)}** | {Cell(v.Reason)} | {Runs(v.DecidingRunIds)} |");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"## Ranking by {report.RankMetric} ({(report.HigherIsBetter ? "higher" : "lower")} is better; median and IQR across seeds)");
        text.AppendLine();
        text.AppendLine("| rank | config | runs | median | IQR | Δ vs baseline | Δ % |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var row in report.Ranking)
        {
            var spread = row.Aggregate.Metric(report.RankMetric);
            var delta = row.Metric(report.RankMetric);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Rank?.ToString(CultureInfo.InvariantCulture) ?? "—"} | {Cell(row.Aggregate.Config.Label)}{(row.IsBaseline ? " (baseline)" : "")} | " +
                $"{row.Aggregate.Finished}/{row.Aggregate.Runs} | {Readable.Metric(spread?.Median)} | " +
                $"{(spread is null ? "—" : $"{Readable.Metric(spread.Q1)} – {Readable.Metric(spread.Q3)}")} | " +
                $"{(row.IsBaseline || delta?.Delta is not { } d ? "—" : Readable.Delta(d))} | {(row.IsBaseline || delta?.DeltaPercent is not { } p ? "—" : Readable.Percent(p))} |");
        }
        return text.ToString();
    }

    public static string Csv(ExperimentClaims report)
    {
        var text = new StringBuilder();
        text.AppendLine("table,name,statement,seed,ours,value,low,high,runs,verdict,reason,runs_needed,run_ids");
        foreach (var v in report.Verdicts)
        {
            var single = v.Groups.Count == 1 ? v.Groups[0] : null;
            Row(text, "claim", v.Claim.Name, v.Claim.Statement, v.Claim.SeedFigure, v.Ours, Number(single?.Value), Number(single?.Low),
                Number(single?.High), v.Groups.Sum(g => g.Finished).ToString(CultureInfo.InvariantCulture), Verdict(v), v.Reason,
                v.RunsNeeded.ToString(CultureInfo.InvariantCulture), string.Join(' ', v.DecidingRunIds));
        }
        foreach (var row in report.Ranking)
        {
            var spread = row.Aggregate.Metric(report.RankMetric);
            var delta = row.Metric(report.RankMetric);
            Row(text, "ranking", row.Aggregate.Config.Label, row.IsBaseline ? "baseline" : "", "", report.RankMetric,
                Number(spread?.Median), Number(spread?.Q1), Number(spread?.Q3), row.Aggregate.Finished.ToString(CultureInfo.InvariantCulture),
                row.Rank?.ToString(CultureInfo.InvariantCulture) ?? "", delta?.DeltaPercent is { } p ? $"delta {Number(p)} %" : "", "",
                string.Join(' ', row.Aggregate.RunIds));
        }
        return text.ToString();
    }

    private static string Verdict(ClaimVerdict v) =>
        v.Outcome == ClaimOutcome.NotYet && v.RunsNeeded > 0 ? $"not yet ({v.RunsNeeded} more runs needed)" : v.OutcomeText;

    private static string Runs(IReadOnlyList<long> ids) => ids.Count == 0 ? "—" : string.Join(", ", ids.Select(i => $"#{i}"));

    private static string Number(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Cell(string text) => text.Replace("|", "\\|").Replace('\n', ' ');

    private static void Row(StringBuilder text, params string[] cells) =>
        text.AppendLine(string.Join(',', cells.Select(c => c.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{c.Replace("\"", "\"\"")}\"" : c)));
}
