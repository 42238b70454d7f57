using System.Text.Json.Nodes;
using Bunit;
using Dashboard.Domain.Access;
using Dashboard.Domain.Schedules;
using Dashboard.Infrastructure.Access;
using Dashboard.Infrastructure.Schedules;
using Dashboard.Web.Components.Access;
using Dashboard.Web.Components.Pages;
using Dashboard.Web.Components.Shared;
using Dashboard.Web.Tests.Api;
using Dashboard.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Components.Interactions;

/// <summary>Components that act through the database: the review-link button and the Schedules page, as a signed-in admin.</summary>
public sealed class AppPagesTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private async Task<BunitContext> AdminContextAsync()
    {
        var admin = await app.Services.GetRequiredService<UserStore>().FindByNameAsync(DashboardApp.AdminUserName);
        return ComponentContext.ForApp(app.Services, ComponentContext.Member(admin));
    }

    [Fact]
    public async Task The_review_link_button_makes_a_link_and_shows_its_address_once()
    {
        var run = (await app.Services.GetRequiredService<Dashboard.Web.Actions.ExperimentActions>().CreateAsync(
            JsonNode.Parse("""{"family": "command", "config": {"command": "true"}}"""))).RunIds[0].ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var context = await AdminContextAsync();
        var button = context.Render<ReviewLinkButton>(p => p.Add(x => x.Kind, ReviewTargetKind.Run).Add(x => x.Target, run));
        button.FindAll("[data-testid=review-link-dialog]").Should().BeEmpty();

        button.Find("[data-testid=review-link-open]").Click();
        button.Find("[data-testid=review-link-label]").Change("for the review");
        button.Find("[data-testid=review-link-expiry]").Change("7");
        await button.Find("[data-testid=review-link-create]").ClickAsync(new());
        button.WaitForElement("[data-testid=review-link-url]", TimeSpan.FromSeconds(10));
        var url = button.Find("[data-testid=review-link-url]").GetAttribute("value");
        url.Should().Contain("/review/");

        var stored = (await app.Services.GetRequiredService<ReviewLinkStore>().ListAsync()).Single(l => l.Link.Label == "for the review");
        stored.Link.ParsedTarget.Path.Should().Be($"/runs/{run}");
        stored.Link.ExpiresAt.Should().BeCloseTo(DateTimeOffset.UtcNow.AddDays(7), TimeSpan.FromMinutes(1));
        button.Find("[data-testid=review-link-done]").Click();
        button.FindAll("[data-testid=review-link-dialog]").Should().BeEmpty();
    }

    [Fact]
    public async Task The_schedules_page_lists_pauses_and_deletes_schedules()
    {
        var store = app.Services.GetRequiredService<ScheduleStore>();
        var name = $"nightly {Guid.NewGuid():N}"[..16];
        var id = await store.CreateAsync(new ScheduleDefinition
        {
            Name = name, Cron = "0 2 * * *", TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"),
            Experiment = new JsonObject { ["family"] = "command", ["config"] = new JsonObject { ["command"] = "true" } },
        });
        await using var context = await AdminContextAsync();
        context.JSInterop.SetupModule("./js/time-zone.js").Setup<BrowserZone.Answer>("timeZone").SetResult(new("Europe/Berlin", 60));
        var page = context.Render<Schedules>();
        page.WaitForElement("[data-testid=schedules-table]", TimeSpan.FromSeconds(10));
        var row = () => page.FindAll("[data-testid=schedule-row]").Single(r => r.TextContent.Contains(name));
        // The next occurrence reads in the viewer's zone: 02:00 in Berlin.
        page.WaitForAssertion(() => row().QuerySelector("[data-testid=schedule-next]")!.TextContent.Should().Contain("02:00 (Europe/Berlin)"));

        await row().QuerySelector("[data-testid=schedule-toggle]")!.ClickAsync(new());
        page.WaitForAssertion(() => row().QuerySelector("[data-testid=schedule-state]")!.TextContent.Should().Be("paused"));
        (await store.FindAsync(id))!.Definition.Enabled.Should().BeFalse();
        row().QuerySelector("[data-testid=schedule-next]")!.TextContent.Should().Contain("paused");

        row().QuerySelector("[data-testid=schedule-delete]")!.Click();
        await page.Find("[data-testid=delete-schedule-dialog-confirm]").ClickAsync(new());
        page.WaitForAssertion(() => page.FindAll("[data-testid=schedule-row]").Where(r => r.TextContent.Contains(name)).Should().BeEmpty());
        (await store.FindAsync(id)).Should().BeNull();
    }
}
