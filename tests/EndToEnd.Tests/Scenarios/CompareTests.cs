using System.Text.Json.Nodes;
using Dashboard.EndToEnd.Tests.Api;
using Dashboard.EndToEnd.Tests.Pages;

namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>Two runs from different experiments, compared: overlaid loss curves, their config difference, a ranking.</summary>
[Collection(DashboardCollection.Name)]
public sealed class CompareTests(DashboardFixture dashboard, ITestOutputHelper output)
{
    [Fact]
    public async Task Two_runs_compare_with_overlaid_loss_curves_their_config_difference_and_a_ranking()
    {
        using var api = dashboard.Api();
        var a = (await api.CreateExperimentAsync(CommandExperiments.Request(CommandExperiments.UniqueName("compare a"),
            CommandExperiments.LossCurve(5), totalSteps: 5, config: new JsonObject { ["lr"] = 0.1 }))).RunIds.Single();
        var b = (await api.CreateExperimentAsync(CommandExperiments.Request(CommandExperiments.UniqueName("compare b"),
            CommandExperiments.LossCurve(8, scale: 0.5), totalSteps: 8, config: new JsonObject { ["lr"] = 0.01 }))).RunIds.Single();
        foreach (var id in new[] { a, b })
            (await api.WaitForFinishAsync(id, TimeSpan.FromMinutes(2)))["state"]!.GetValue<string>().Should().Be("succeeded");

        await using var browser = await dashboard.OpenSignedInBrowserAsync(output);
        var compare = await new ComparePage(browser, [a, b]).OpenAsync();

        await Charts.WaitForTracesAsync(browser.Page, "compare-chart-loss", 2);
        (await compare.TraceCountAsync("loss")).Should().Be(2);
        await Expect(compare.DiffRow("lr")).ToContainTextAsync("0.1");
        await Expect(compare.DiffRow("lr")).ToContainTextAsync("0.01");
        // Lowest final loss first: b ends at 0.5/8, a at 1/5.
        await Expect(compare.RankingRows).ToHaveCountAsync(2);
        await Expect(compare.RankingRows.Nth(0)).ToHaveAttributeAsync("data-run", b.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await browser.ScreenshotAsync("compare");
    }
}
