using System.Security.Claims;
using Dashboard.Web.Components.Access;
using Dashboard.Web.Tests.Api;
using Dashboard.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Components;

/// <summary>Links to members-only pages: a review-link visitor must not be handed a way into "access denied".</summary>
public sealed class MemberLinkTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private async Task<string> RenderAsync(bool hideFromVisitors, ClaimsPrincipal? user)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await Markup.RenderAsync<MemberLink>(new Dictionary<string, object?>
        {
            [nameof(MemberLink.Href)] = "experiments",
            [nameof(MemberLink.TestId)] = "crumb",
            [nameof(MemberLink.HideFromVisitors)] = hideFromVisitors,
            [nameof(MemberLink.ChildContent)] = (Microsoft.AspNetCore.Components.RenderFragment)(b => b.AddContent(0, "Experiments")),
        }, scope.ServiceProvider, user);
    }

    [Fact]
    public async Task A_member_gets_the_link()
    {
        var html = await RenderAsync(hideFromVisitors: false, user: null);
        html.Should().Contain("<a href=\"experiments\"").And.Contain("data-testid=\"crumb\"").And.Contain(">Experiments</a>");
    }

    [Theory]
    [InlineData(false, "<span>Experiments</span>")]
    [InlineData(true, "")]
    public async Task Someone_who_may_not_act_gets_the_text_or_nothing(bool hideFromVisitors, string expected)
    {
        var visitor = new ClaimsPrincipal(new ClaimsIdentity()); // not signed in as a member
        var html = await RenderAsync(hideFromVisitors, visitor);
        html.Should().NotContain("<a ").And.NotContain("href=");
        html.Trim().Should().Be(expected);
    }
}
