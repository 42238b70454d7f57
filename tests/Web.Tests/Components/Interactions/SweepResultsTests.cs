using System.Text.Json.Nodes;
using Bunit;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Families;
using Dashboard.Domain.Runs;
using Dashboard.Web.Components.Experiments;
using Dashboard.Web.Tests.Support;

namespace Dashboard.Web.Tests.Components.Interactions;

/// <summary>The sweep results' "Rank by" and "Baseline" selectors re-rank the table.</summary>
public sealed class SweepResultsTests
{
    private static RunResult Run(long id, string config, double loss, double acc) => new(id,
        new JsonObject { ["config"] = config }, null, RunState.Succeeded, new Dictionary<string, double> { ["loss"] = loss, ["acc"] = acc });

    [Fact]
    public void Changing_the_metric_and_the_baseline_ranks_again()
    {
        using var context = ComponentContext.Create();
        // "b" has the lower loss, "a" the higher accuracy.
        var results = context.Render<SweepResults>(p => p
            .Add(x => x.Results, [Run(1, "a", 2.0, 0.9), Run(2, "b", 1.0, 0.5)])
            .Add(x => x.Family, new CommandFamily()));
        string[] Order() => results.FindAll("[data-testid=ranking-row]").Select(r => r.GetAttribute("data-config")!).ToArray();

        Order().Should().Equal("config=b", "config=a");
        results.Find("[data-testid=ranking-metric]").Change("acc");
        results.Find("table.ranking th.primary-col").TextContent.Should().Contain("acc");
        // Not the family's primary metric: lower is better unless told otherwise, so a (0.9) is last.
        Order().Should().Equal("config=b", "config=a");

        var baseline = results.Find("[data-testid=ranking-baseline]");
        var other = baseline.QuerySelectorAll("option").First(o => o.GetAttribute("value") != baseline.GetAttribute("value"));
        baseline.Change(other.GetAttribute("value"));
        results.Find("tr.baseline").GetAttribute("data-config").Should().Be(other.TextContent);
        results.Find("tr.baseline [data-testid=ranking-delta]").TextContent.Should().Be("—");
    }
}
