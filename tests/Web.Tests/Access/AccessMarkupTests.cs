using System.Security.Claims;
using Dashboard.Domain.Access;
using Dashboard.Infrastructure.Access;
using Dashboard.Web.Access;
using Dashboard.Web.Components.Access;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Web.Tests.Access;

/// <summary>Markup of the review-link banner and the links list, rendered with ASP.NET Core's HtmlRenderer.</summary>
public sealed class AccessMarkupTests
{
    private static async Task<string> RenderAsync<T>(Dictionary<string, object?> parameters) where T : IComponent
    {
        await using var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<T>(ParameterView.FromDictionary(parameters))).ToHtmlString());
    }

    private static Task<string> BannerFor(ClaimsPrincipal user) =>
        RenderAsync<CascadingValue<Task<AuthenticationState>>>(new()
        {
            ["Value"] = Task.FromResult(new AuthenticationState(user)),
            ["ChildContent"] = (RenderFragment)(b => { b.OpenComponent<ReviewLinkBanner>(0); b.CloseComponent(); }),
        });

    [Fact]
    public async Task Link_visitors_see_a_read_only_banner_with_label_maker_and_expiry()
    {
        var session = new ReviewSession(5, ReviewTarget.Parse(ReviewTargetKind.Experiment, "3"), "depth sweep", "Ada Lovelace",
            new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero));
        var html = await BannerFor(session.ToPrincipal("test"));
        html.Should().Contain("data-testid=\"review-banner\"").And.Contain("Read-only review link")
            .And.Contain("depth sweep").And.Contain("made by Ada Lovelace").And.Contain("expires 2026-12-01 09:30 UTC")
            .And.Contain("href=\"experiments/3\"");
    }

    [Fact]
    public async Task Members_and_anonymous_visitors_see_no_banner()
    {
        var member = AccessClaims.ForMember(new User { Id = 1, UserName = "ada", DisplayName = "Ada", PasswordHash = "x" }, "test");
        (await BannerFor(member)).Should().NotContain("review-banner");
        (await BannerFor(new ClaimsPrincipal())).Should().NotContain("review-banner");
    }

    private static ReviewLinkListing Listing(long id, long by, string label, DateTimeOffset? expires = null, DateTimeOffset? revoked = null) => new(new ReviewLink
    {
        Id = id, TokenHash = new byte[32], Kind = ReviewTargetKind.Comparison, Target = "3,7", Label = label, CreatedBy = by,
        CreatedAt = new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero), ExpiresAt = expires, RevokedAt = revoked, OpenCount = 4,
    }, by == 1 ? "Ada" : "Grace");

    [Fact]
    public async Task The_links_list_shows_state_and_offers_revoke_only_on_own_active_links()
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var html = await RenderAsync<ReviewLinkList>(new()
        {
            ["Links"] = new List<ReviewLinkListing>
            {
                Listing(1, 1, "mine"),
                Listing(2, 2, "theirs"),
                Listing(3, 1, "old", expires: now.AddDays(-1)),
                Listing(4, 1, "gone", revoked: now.AddHours(-1)),
            },
            ["Now"] = now,
            ["CurrentUserId"] = 1L,
            ["IsAdmin"] = false,
        });
        html.Should().Contain("comparison of runs 3, 7").And.Contain("href=\"compare/3,7\"").And.Contain("2026-11-20 08:00 UTC");
        html.Split("data-testid=\"review-link-row\"").Should().HaveCount(5);
        html.Split("data-testid=\"review-link-revoke\"").Should().HaveCount(2, "only the viewer's own active link can be revoked");
        html.Should().Contain(">active<").And.Contain(">expired<").And.Contain(">revoked<").And.Contain("Grace");
    }

    [Fact]
    public async Task An_empty_links_list_says_how_to_make_one()
    {
        var html = await RenderAsync<ReviewLinkList>(new() { ["Links"] = new List<ReviewLinkListing>() });
        html.Should().Contain("data-testid=\"review-links-empty\"").And.Contain("Share review link");
    }
}
