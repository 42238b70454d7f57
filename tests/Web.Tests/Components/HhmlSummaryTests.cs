using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dashboard.Domain.Families;
using Dashboard.Domain.Metrics;
using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Queue;
using Dashboard.Web.Actions;
using Dashboard.Web.Components.Pages;
using Dashboard.Web.Tests.Api;
using Dashboard.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dashboard.Web.Tests.Components;

/// <summary>The hhml experiment page: the seed's tables beside the runs' metrics, and the claims judged per mode.</summary>
public sealed partial class HhmlSummaryTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    [GeneratedRegex("data-claim=\"([a-z]+)\" data-verdict=\"([A-Za-z]+)\"")]
    private static partial Regex Claim();

    private NpgsqlDataSource DataSource => app.Services.GetRequiredService<NpgsqlDataSource>();

    [Fact]
    public async Task The_page_shows_the_cycle_table_the_scale_comparison_and_a_verdict_per_claim_and_mode()
    {
        var worker = new TestWorker(DataSource, app.Services.GetRequiredService<RunQueue>());
        await worker.FinishAllAsync();
        var created = await app.Services.GetRequiredService<ExperimentActions>().CreateAsync(JsonNode.Parse("""
            {"name": "hhml tiny", "family": "hhml", "preset": "tiny", "config": {"cycles": 60}}
            """));
        var writer = new MetricWriter(DataSource);
        await worker.FinishAllAsync(claimed =>
        {
            var asRun = claimed.AxisValues["mode"]!.GetValue<string>() == HhmlFamily.AsRun;
            var points = new List<MetricPoint>();
            for (var n = 1; n <= 60; n++)
            {
                // as-run: the seed's trajectory; intended: a field that moves.
                void Add(string key, double value) => points.Add(new MetricPoint(claimed.RunId, key, n, value, DateTimeOffset.UtcNow));
                Add("reward", asRun ? HhmlReport.AsRunReward(n) : 700 + n);
                Add("density", asRun ? 1 : 0.5);
                Add("quality", asRun ? 1 : 0.8);
                Add("removed", asRun ? 0 : n % 2);
                Add("cycles_at_target", asRun ? n : 0);
                Add("cycle_seconds", 0.25);
            }
            writer.WriteAsync(points).GetAwaiter().GetResult();
            return RunState.Succeeded;
        });

        await using var scope = app.Services.CreateAsyncScope();
        var html = await Markup.RenderAsync<ExperimentPage>(new Dictionary<string, object?> { [nameof(ExperimentPage.Id)] = created.ExperimentId },
            scope.ServiceProvider);

        html.Should().Contain("data-testid=\"hhml-summary\"");
        html.Should().Contain("data-testid=\"hhml-cycle-table\"").And.Contain("data-testid=\"hhml-scale-table\"");
        // Cycle 12 of the as-run run: the seed's 1650 beside ours.
        html.Should().Contain("1650 / <strong data-testid=\"hhml-reward\">1650</strong>");
        html.Should().Contain("1450 / <strong data-testid=\"hhml-reward\">1450</strong>");
        var verdicts = Claim().Matches(html).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        verdicts.Should().HaveCount(12, "six claims for each of the two modes");
        verdicts.Take(6).Should().Equal(("density", "Holds"), ("quality", "Holds"), ("annihilations", "Holds"), ("maximum", "Holds"),
            ("instant", "DoesNotHold"), ("speedup", "NotMeasured"));
        verdicts.Skip(6).Take(3).Should().OnlyContain(v => v.Item2 == "DoesNotHold", "intended's field moves");
        html.Should().Contain("first 1,650 at cycle 11");
        html.Should().Contain("0.250", "seconds per cycle from the runs' cycle_seconds");
    }
}
