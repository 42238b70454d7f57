using System.Text.Json.Nodes;
using Bunit;
using Dashboard.Domain.Workers;
using Dashboard.Infrastructure.Workers;
using Dashboard.Web.Actions;
using Dashboard.Web.Components.Pages;
using Dashboard.Web.Tests.Api;
using Dashboard.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dashboard.Web.Tests.Components.Interactions;

/// <summary>The overview over its own database: the Queued card counts the queued runs no online worker can serve and lists them.</summary>
public sealed class OverviewPageTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    [Fact]
    public async Task The_queued_card_counts_the_runs_no_online_worker_can_serve_and_links_to_their_list()
    {
        var actions = app.Services.GetRequiredService<ExperimentActions>();
        await using (var empty = ComponentContext.ForApp(app.Services))
        {
            var before = empty.Render<Overview>();
            before.WaitForElement("[data-testid=queue-queued]", TimeSpan.FromSeconds(10));
            before.FindAll("[data-testid=queue-stranded]").Should().BeEmpty("nothing waits yet");
            before.FindAll("[data-testid=stranded-runs]").Should().BeEmpty();
        }

        // One CPU worker online: the CPU runs wait their turn, the CUDA ones wait for a worker that is not there.
        await new WorkerRegistry(app.Services.GetRequiredService<NpgsqlDataSource>())
            .RegisterAsync(new WorkerInfo { Name = "cpu-only", Host = "test", Device = "cpu" });
        await actions.CreateAsync(JsonNode.Parse("""{"name": "on the cpu", "family": "command", "config": {"command": "true"}, "sweep": {"seeds": 2}}"""));
        var gpu = await actions.CreateAsync(JsonNode.Parse(
            """{"name": "needs a gpu", "family": "command", "config": {"command": "true"}, "device": "cuda", "sweep": {"seeds": 3}}"""));
        var huge = await actions.CreateAsync(JsonNode.Parse(
            """{"name": "needs a huge gpu", "family": "command", "config": {"command": "true"}, "device": "cuda:1900000"}"""));

        await using var context = ComponentContext.ForApp(app.Services);
        var page = context.Render<Overview>();
        page.WaitForElement("[data-testid=queue-stranded]", TimeSpan.FromSeconds(10));
        page.Find("[data-testid=queue-queued] .value").TextContent.Should().Be("6");
        var stranded = page.Find("[data-testid=queue-stranded]");
        stranded.TextContent.Should().Be("4 no online worker can serve");
        stranded.GetAttribute("href").Should().Be("#stranded");
        page.Find("#stranded").GetAttribute("data-testid").Should().Be("stranded-runs");

        var rows = page.FindAll("[data-testid=stranded-run-row]");
        rows.Select(r => r.QuerySelector("a")!.TextContent).Should().Equal(
            gpu.RunIds.Concat(huge.RunIds).Select(id => $"#{id}"), "the list is in the order workers would take them");
        rows.Take(3).Should().AllSatisfy(r => r.QuerySelector("[data-testid=waiting-reason]")!.TextContent
            .Should().Be("no online worker has a CUDA device"));
        rows[3].QuerySelector(".mono")!.TextContent.Should().Be("cuda:1900000");
        page.FindAll("[data-testid=stranded-more]").Should().BeEmpty();
    }
}
