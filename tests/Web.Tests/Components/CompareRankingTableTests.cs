using Dashboard.Domain.Comparisons;
using Dashboard.Web.Components.Compare;

namespace Dashboard.Web.Tests.Components;

public sealed class CompareRankingTableTests
{
    private static readonly RankingEntry[] Entries =
    [
        new(1, "baseline", "succeeded", 2.0, 100),
        new(2, "better", "succeeded", 1.5, 100),
        new(3, "diverged", "diverged", double.NaN, 40),
        new(4, "worse", "running", 2.5, 60),
        new(5, "tied", "succeeded", 1.5, 100),
        new(6, "no points", "queued", null, null),
    ];

    [Fact]
    public void Lower_is_better_ranks_ascending_with_shared_ranks_for_ties_and_non_finite_last()
    {
        var ranked = RunRanking.Rank(Entries, higherIsBetter: false, baselineRunId: 1);
        ranked.Select(r => (r.Entry.RunId, r.Rank)).Should().Equal((2L, (int?)1), (5L, 1), (1L, 3), (4L, 4), (3L, null), (6L, null));
        var better = ranked[0];
        better.Delta.Should().Be(-0.5);
        better.RelativeDelta.Should().Be(-0.25);
        better.Better.Should().BeTrue();
        ranked.Single(r => r.Entry.RunId == 4).Better.Should().BeFalse();
        ranked.Single(r => r.Entry.RunId == 1).IsBaseline.Should().BeTrue();
    }

    [Fact]
    public void Higher_is_better_ranks_descending_and_a_baseline_without_a_value_gives_no_deltas()
    {
        var ranked = RunRanking.Rank(Entries, higherIsBetter: true, baselineRunId: 6);
        ranked.Select(r => r.Entry.RunId).Take(4).Should().Equal(4L, 1L, 2L, 5L);
        ranked.Should().OnlyContain(r => r.Delta == null);
    }

    [Fact]
    public async Task The_table_shows_ranks_values_signed_deltas_and_the_baseline()
    {
        var html = await MarkupDocument.RenderAsync<CompareRankingTable>(new Dictionary<string, object?>
        {
            [nameof(CompareRankingTable.Ranked)] = RunRanking.Rank(Entries, higherIsBetter: false, baselineRunId: 1),
            [nameof(CompareRankingTable.Metrics)] = new[] { "loss", "val/loss" },
            [nameof(CompareRankingTable.Metric)] = "loss",
        });
        var rows = html.QuerySelectorAll("[data-testid=ranking-row]");
        rows.Select(r => r.GetAttribute("data-run")).Should().Equal("2", "5", "1", "4", "3", "6");
        var first = rows[0].QuerySelectorAll("td").Select(td => td.Text()).ToList();
        first.Take(7).Should().Equal("1", "better", "succeeded", "1.5", "100", "−0.5", "−25.0%");
        rows[0].QuerySelector("td.delta")!.ClassList.Should().Contain("better");
        rows[3].QuerySelector("td.delta")!.Text().Should().Be("+0.5");
        rows[3].QuerySelector("td.delta")!.ClassList.Should().Contain("worse");
        rows[2].ClassList.Should().Contain("baseline");
        rows[2].Text().Should().Contain("baseline");
        rows[2].QuerySelector("[data-testid=baseline-1]")!.HasAttribute("checked").Should().BeTrue();
        rows[4].QuerySelectorAll("td").Select(td => td.Text()).Take(5).Should().Equal("—", "diverged", "diverged", "NaN", "40");
        rows[5].QuerySelectorAll("td")[3].Text().Should().Be("—");
        rows[0].QuerySelector("a")!.GetAttribute("href").Should().Be("runs/2");
        html.QuerySelectorAll("[data-testid=ranking-metric] option").Select(o => o.Text()).Should().Equal("loss", "val/loss");
    }

    [Fact]
    public async Task No_values_yet_is_an_empty_state_naming_the_metric()
    {
        var html = await MarkupDocument.RenderAsync<CompareRankingTable>(new Dictionary<string, object?>
        {
            [nameof(CompareRankingTable.Ranked)] = Array.Empty<RankedRun>(),
            [nameof(CompareRankingTable.Metrics)] = Array.Empty<string>(),
            [nameof(CompareRankingTable.Metric)] = "val/loss",
        });
        html.QuerySelector(".empty")!.Text().Should().Be("No run reports val/loss yet.");
    }
}
