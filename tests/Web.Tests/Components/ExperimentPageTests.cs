using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dashboard.Domain.Metrics;
using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Queue;
using Dashboard.Web.Actions;
using Dashboard.Web.Components.Pages;
using Dashboard.Web.Components.Runs;
using Dashboard.Web.Tests.Api;
using Dashboard.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dashboard.Web.Tests.Components;

/// <summary>The experiment page and the run action bar rendered over the real app and database.</summary>
public sealed partial class ExperimentPageTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    [GeneratedRegex("data-config=\"([^\"]+)\"")]
    private static partial Regex RankingRow();

    [GeneratedRegex("data-testid=\"run-row\" data-run-id=\"(\\d+)\"")]
    private static partial Regex RunRow();

    private NpgsqlDataSource DataSource => app.Services.GetRequiredService<NpgsqlDataSource>();
    private TestWorker Worker => new(DataSource, app.Services.GetRequiredService<RunQueue>());

    private async Task<string> RenderAsync<T>(Dictionary<string, object?> parameters) where T : Microsoft.AspNetCore.Components.IComponent
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await Markup.RenderAsync<T>(parameters, scope.ServiceProvider);
    }

    /// <summary>Seed 002's depth sweep in small: 2 depths × baseline/HC × 2 seeds, one HC run diverging.</summary>
    private async Task<long> DepthSweepAsync()
    {
        await Worker.FinishAllAsync();
        var created = await app.Services.GetRequiredService<ExperimentActions>().CreateAsync(JsonNode.Parse("""
            {"name": "depth sweep", "family": "residual-streams", "preset": "tiny",
             "sweep": {"axes": {"depth": [12, 24], "variant": ["baseline", "hc"]}, "seeds": 2}, "tags": ["seed-002"]}
            """));
        var writer = new MetricWriter(DataSource);
        await Worker.FinishAllAsync(claimed =>
        {
            var depth = claimed.AxisValues["depth"]!.GetValue<int>();
            var hc = claimed.AxisValues["variant"]!.GetValue<string>() == "hc";
            var diverged = hc && depth == 24 && claimed.Seed == 0;
            var loss = diverged ? double.NaN : depth / 100.0 + (hc ? 0.5 : 0) + claimed.Seed!.Value * 0.01;
            writer.WriteAsync([
                new MetricPoint(claimed.RunId, "loss", 19, loss, DateTimeOffset.UtcNow),
                new MetricPoint(claimed.RunId, "grad_norm", 19, hc ? 2.0 : 1.0, DateTimeOffset.UtcNow),
            ]).GetAwaiter().GetResult();
            return diverged ? RunState.Diverged : RunState.Succeeded;
        });
        return created.ExperimentId;
    }

    [Fact]
    public async Task The_page_shows_the_runs_the_varying_config_and_the_ranking_against_the_baseline()
    {
        var id = await DepthSweepAsync();

        var html = await RenderAsync<ExperimentPage>(new() { [nameof(ExperimentPage.Id)] = id });

        html.Should().Contain("data-testid=\"experiment-name\">depth sweep</h1>");
        html.Should().Contain("sweep: depth (2) × variant (2) × 2 seeds");
        html.Should().Contain("7 succeeded").And.Contain("1 diverged");
        RunRow().Matches(html).Should().HaveCount(8);
        foreach (var column in new[] { "axis:depth", "axis:variant", "seed", "metric:loss", "metric:grad_norm" })
            html.Should().Contain($"data-testid=\"sort-{column}\"");

        // Medians over two seeds: baseline 12 → 0.125, baseline 24 → 0.245, HC 12 → 0.625, HC 24 → 0.75 (its other seed diverged).
        RankingRow().Matches(html).Select(m => m.Groups[1].Value).Should().Equal(
            "depth=12, variant=baseline", "depth=24, variant=baseline", "depth=12, variant=hc", "depth=24, variant=hc");
        html.Should().Contain("<td class=\"num text-danger\" data-testid=\"ranking-delta\">+0.12</td>");
        html.Should().Contain("<td class=\"num text-danger\" data-testid=\"ranking-delta-percent\">+96.0%</td>");
        html.Should().Contain("<td class=\"num text-danger\" data-testid=\"ranking-delta\">+0.625</td>");
        html.Should().Contain("data-testid=\"ranking-divergent\">1</td>");
        html.Should().Contain("IQR 0.1225 – 0.1275");
        html.Should().Contain("Divergent: ended diverged, or final loss not finite.");
        html.Should().Contain("data-testid=\"sweep-plot-axis\"").And.Contain("<option value=\"depth\"");
    }

    [Fact]
    public async Task A_missing_experiment_says_so()
    {
        var html = await RenderAsync<ExperimentPage>(new() { [nameof(ExperimentPage.Id)] = 987_654L });
        html.Should().Contain("data-testid=\"experiment-not-found\"").And.Contain("There is no experiment #987654");
    }

    [Fact]
    public async Task The_action_bar_offers_what_the_runs_state_allows()
    {
        var created = await app.Services.GetRequiredService<ExperimentActions>().CreateAsync(JsonNode.Parse(
            """{"family": "command", "config": {"command": "true"}, "sweep": {"seeds": 2}}"""));
        await Worker.FinishAllAsync();
        var waiting = (await app.Services.GetRequiredService<RunActions>().RerunAsync(created.RunIds[0]))!.Value;

        var finished = await RenderAsync<RunActionBar>(new() { [nameof(RunActionBar.RunId)] = created.RunIds[0] });
        finished.Should().NotContain("data-testid=\"cancel-run\"");
        finished.Should().Contain("data-testid=\"rerun-run\"").And.Contain("data-testid=\"rerun-run-new-seed\"").And.Contain("data-testid=\"delete-run\"");
        finished.Should().Contain($"href=\"experiments/new?clone={created.ExperimentId}\"");
        finished.Should().NotContain("confirm-delete-run", "the dialog opens only when asked");

        var queued = await RenderAsync<RunActionBar>(new() { [nameof(RunActionBar.RunId)] = waiting });
        queued.Should().Contain("data-testid=\"cancel-run\"").And.Contain(">Cancel</button>");

        var gone = await RenderAsync<RunActionBar>(new() { [nameof(RunActionBar.RunId)] = 987_654L });
        gone.Should().Contain("This run no longer exists.").And.NotContain("rerun-run");
    }
}
