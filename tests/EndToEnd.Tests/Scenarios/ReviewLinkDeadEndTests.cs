using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.EndToEnd.Tests.Api;
using Dashboard.EndToEnd.Tests.Browsing;
using Dashboard.EndToEnd.Tests.Pages;

namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>
/// A visitor of a review link never meets a dead end: on each kind of review page (run, experiment, comparison)
/// every link and button they can see is followed or clicked, and none lands on "Not part of this review link".
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ReviewLinkDeadEndTests(DashboardFixture dashboard, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_link_and_button_a_visitor_sees_on_each_kind_of_review_page_leads_somewhere_they_may_go()
    {
        using var api = dashboard.Api();
        var created = await api.CreateExperimentAsync(CommandExperiments.Request(CommandExperiments.UniqueName("dead ends"),
            CommandExperiments.LossCurve(3), totalSteps: 3, config: new JsonObject { ["lr"] = 0.1 },
            sweep: new JsonObject { ["axes"] = new JsonObject { ["lr"] = new JsonArray(0.1, 0.01) } }));
        foreach (var id in created.RunIds) await api.WaitForFinishAsync(id, TimeSpan.FromMinutes(2));
        var (experiment, runs) = (created.ExperimentId, created.RunIds);
        var ids = string.Join(",", runs);

        await using var owner = await dashboard.OpenSignedInBrowserAsync(output);
        var links = new ReviewLinks(owner);
        var urls = new List<string>();
        foreach (var path in new[] { $"/runs/{runs[0]}", $"/experiments/{experiment}", $"/compare/{ids}" })
        {
            await owner.GotoAsync(path);
            urls.Add(await links.CreateAsync("dead ends", expiryDays: 1));
            await links.CloseDialogAsync();
        }

        foreach (var url in urls)
        {
            await using var visitor = await owner.OpenFreshContextAsync("visitor");
            await visitor.GotoAsync(url);
            var home = new Uri(visitor.Page.Url).PathAndQuery;
            await FollowEveryLinkAsync(visitor, home);
            await ClickEveryButtonAsync(visitor, home);
        }
    }

    private static ILocator Denied(BrowserSession visitor) => new ReviewLinks(visitor).AccessDenied;

    private async Task FollowEveryLinkAsync(BrowserSession visitor, string home)
    {
        var hrefs = await visitor.Page.Locator("a[href]").EvaluateAllAsync<string[]>(
            "els => els.filter(e => e.offsetParent !== null).map(e => (e.hasAttribute('download') ? 'download:' : '') + e.href)");
        hrefs.Should().NotBeEmpty();
        foreach (var href in hrefs.Distinct())
        {
            output.WriteLine($"{home}: link {href}");
            if (href.StartsWith("download:", StringComparison.Ordinal) || new Uri(href).AbsolutePath.StartsWith("/api/", StringComparison.Ordinal))
            {
                var file = await visitor.Requests.GetAsync(href.Replace("download:", ""));
                file.Status.Should().Be(200, $"{href} on {home} is covered by the link");
                continue;
            }
            await visitor.GotoAsync(href);
            await Expect(Denied(visitor)).ToHaveCountAsync(0);
            new Uri(visitor.Page.Url).AbsolutePath.Should().NotBe("/signin", $"{href} on {home} keeps the visitor's session");
        }
        await visitor.GotoAsync(home);
    }

    private async Task ClickEveryButtonAsync(BrowserSession visitor, string home)
    {
        // Leaving (signing the link session out) is the one button meant to end the visit; it is clicked nowhere here.
        var buttons = visitor.Page.Locator("button:visible:not([data-testid=signout])");
        var count = await buttons.CountAsync();
        for (var i = 0; i < count; i++)
        {
            var button = buttons.Nth(i);
            output.WriteLine($"{home}: button {await button.InnerTextAsync()}");
            if (await button.IsDisabledAsync()) continue;
            await button.ClickAsync();
            await Expect(Denied(visitor)).ToHaveCountAsync(0);
            await visitor.Page.Keyboard.PressAsync("Escape");
            if (new Uri(visitor.Page.Url).PathAndQuery != home) await visitor.GotoAsync(home);
            count = await buttons.CountAsync(); // a click may show or hide buttons (sorting, selections)
        }
        await visitor.ScreenshotAsync("buttons-" + home.Trim('/').Replace('/', '-').Replace(',', '-'));
    }
}
