using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dashboard.Domain.Access;
using Dashboard.Infrastructure.Access;
using Dashboard.Web.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Access;

/// <summary>
/// The page a review link opens is rendered for its visitor, not only let through by the endpoint: the router's
/// AuthorizeRouteView checks the View policy again with the route as the resource, and without it every link
/// visitor got "Not part of this review link" on the very page the link shows.
/// </summary>
public sealed class ReviewPageRenderTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    [Fact]
    public async Task An_experiment_link_renders_the_experiment_page_for_its_visitor_and_denies_another()
    {
        var member = app.CreateMemberClient();
        async Task<long> ExperimentAsync(string name)
        {
            var response = await member.PostAsync("/api/experiments", new StringContent(
                new JsonObject { ["name"] = name, ["family"] = "command", ["config"] = new JsonObject { ["command"] = "true" } }.ToJsonString(), Encoding.UTF8, "application/json"));
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["experiment"]!["id"]!.GetValue<long>();
        }
        var shown = await ExperimentAsync("shown through the link");
        var other = await ExperimentAsync("not in the link");
        var admin = await app.Services.GetRequiredService<UserStore>().FindByNameAsync(DashboardApp.AdminUserName);
        var (_, secret) = await app.Services.GetRequiredService<ReviewLinkStore>()
            .CreateAsync(ReviewTarget.Parse(ReviewTargetKind.Experiment, $"{shown}"), "render", null, admin!.Id);
        var visitor = new Visitor(app);
        (await visitor.OpenReviewLinkAsync(secret)).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var page = await visitor.Http.GetAsync($"/experiments/{shown}");
        var html = await page.Content.ReadAsStringAsync();
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        html.Should().Contain("data-testid=\"experiment-name\"").And.Contain("shown through the link")
            .And.Contain("data-testid=\"review-banner\"").And.NotContain("data-testid=\"access-denied\"");

        var denied = await visitor.Http.GetAsync($"/experiments/{other}");
        denied.StatusCode.Should().Be(HttpStatusCode.Redirect);
        denied.Headers.Location!.PathAndQuery().Should().StartWith("/access-denied");
    }
}
