using Dashboard.Domain.Access;
using Dashboard.Infrastructure.Access;
using Dashboard.Web.Access;
using Dashboard.Web.Tests.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Access;

/// <summary>
/// Navigations inside a Blazor circuit are authorized against the router's RouteData: the same scopes as for
/// requests, for page routes of the shape the run, experiment and compare pages use.
/// </summary>
public sealed class ViewScopeTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    [Route("/runs/{id:long}")] private sealed class RunPage : ComponentBase;
    [Route("/compare/{ids}")] private sealed class ComparePage : ComponentBase;
    [Route("/")] private sealed class OverviewPage : ComponentBase;

    private async Task<bool> ViewAsync(ReviewTargetKind kind, string target, Type page, string? template, Dictionary<string, object?> values)
    {
        var principal = new ReviewSession(1, ReviewTarget.Parse(kind, target), "", "someone", null).ToPrincipal("test");
        var route = new RouteData(page, values) { Template = template };
        var result = await app.Services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(principal, route, AccessPolicies.View);
        return result.Succeeded;
    }

    [Fact]
    public async Task A_comparison_link_may_show_its_compare_page_in_any_order_and_no_other_selection()
    {
        (await ViewAsync(ReviewTargetKind.Comparison, "3,7,12", typeof(ComparePage), "/compare/{ids}", new() { ["ids"] = "12,3,7" })).Should().BeTrue();
        (await ViewAsync(ReviewTargetKind.Comparison, "3,7,12", typeof(ComparePage), "/compare/{ids}", new() { ["ids"] = "3,7" })).Should().BeFalse();
        (await ViewAsync(ReviewTargetKind.Comparison, "3,7,12", typeof(ComparePage), "/compare/{ids}", new() { ["ids"] = "3,7,12,13" })).Should().BeFalse();
        (await ViewAsync(ReviewTargetKind.Comparison, "3,7,12", typeof(RunPage), null, new() { ["id"] = 7L })).Should().BeTrue();
        (await ViewAsync(ReviewTargetKind.Comparison, "3,7,12", typeof(RunPage), "/runs/{id:long}", new() { ["id"] = 8L })).Should().BeFalse();
    }

    [Fact]
    public async Task A_run_link_may_show_its_run_page_only()
    {
        (await ViewAsync(ReviewTargetKind.Run, "12", typeof(RunPage), "/runs/{id:long}", new() { ["id"] = 12L })).Should().BeTrue();
        (await ViewAsync(ReviewTargetKind.Run, "12", typeof(RunPage), "/runs/{id:long}", new() { ["id"] = 13L })).Should().BeFalse();
        (await ViewAsync(ReviewTargetKind.Run, "12", typeof(OverviewPage), "/", new())).Should().BeFalse();
    }

    [Fact]
    public async Task Members_may_view_anything_and_anonymous_visitors_nothing()
    {
        var admin = await app.Services.GetRequiredService<UserStore>().FindByNameAsync(DashboardApp.AdminUserName);
        var authorization = app.Services.GetRequiredService<IAuthorizationService>();
        var route = new RouteData(typeof(OverviewPage), new Dictionary<string, object?>()) { Template = "/" };
        (await authorization.AuthorizeAsync(AccessClaims.ForMember(admin!, "test"), route, AccessPolicies.View)).Succeeded.Should().BeTrue();
        (await authorization.AuthorizeAsync(new System.Security.Claims.ClaimsPrincipal(), route, AccessPolicies.View)).Succeeded.Should().BeFalse();
        var link = new ReviewSession(1, ReviewTarget.Parse(ReviewTargetKind.Run, "1"), "", "x", null).ToPrincipal("test");
        (await authorization.AuthorizeAsync(link, route, AccessPolicies.Act)).Succeeded.Should().BeFalse();
        (await authorization.AuthorizeAsync(AccessClaims.ForMember(admin!, "test"), route, AccessPolicies.Act)).Succeeded.Should().BeTrue();
    }
}
