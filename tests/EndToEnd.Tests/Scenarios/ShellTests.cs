using System.Text.RegularExpressions;
using Dashboard.EndToEnd.Tests.Pages;

namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>The page shell as it stands on main: layout and navigation, the not-found page, a live Blazor circuit.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ShellTests(DashboardFixture dashboard, ITestOutputHelper output)
{
    [Fact]
    public async Task The_overview_renders_inside_the_layout_with_the_sidebar_navigation()
    {
        await using var browser = await dashboard.OpenBrowserAsync(output);
        var overview = await new OverviewPage(browser).OpenAsync();

        await Expect(browser.Page).ToHaveTitleAsync(new Regex("Overview"));
        await Expect(overview.Sidebar.Brand).ToHaveTextAsync(new Regex("GPU Dashboard"));
        // In this order; pages added later (review links, account) may sit between or after them.
        await Expect(overview.Sidebar.Navigation.GetByRole(AriaRole.Link)).ToContainTextAsync(Sidebar.MainLinks);
        await Expect(overview.Sidebar.Link("Overview")).ToHaveClassAsync(new Regex(@"\bactive\b"));
        await browser.ScreenshotAsync("overview");
    }

    [Fact]
    public async Task An_unknown_address_answers_404_with_the_page_not_found_page()
    {
        await using var browser = await dashboard.OpenBrowserAsync(output);
        var response = await browser.GotoAsync("/no-such-page/here", interactive: false);

        response!.Status.Should().Be(404);
        var notFound = new NotFoundPage(browser.Page);
        await Expect(notFound.Heading).ToBeVisibleAsync();
        await Expect(notFound.OverviewLink).ToBeVisibleAsync();
        await Expect(new Sidebar(browser.Page).Navigation).ToBeVisibleAsync();
        await browser.ScreenshotAsync("not-found");
    }

    [Fact]
    public async Task A_nav_link_navigates_over_the_circuit_without_a_page_load()
    {
        await using var browser = await dashboard.OpenBrowserAsync(output);
        var page = browser.Page;
        await browser.GotoAsync(NotFoundPage.Path);
        await Expect(new NotFoundPage(page).Heading).ToBeVisibleAsync();
        await browser.ScreenshotAsync("not-found-interactive");

        // A full or enhanced page load would lose this value or fetch the new address from the server.
        await page.EvaluateAsync("() => window.__e2eDocument = 'kept'");
        var fetched = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.ResourceType == "document" || new Uri(request.Url).AbsolutePath == OverviewPage.Path)
                fetched.Add($"{request.ResourceType} {request.Url}");
        };

        await new Sidebar(page).Link("Overview").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Uri(dashboard.BaseUrl, "/").ToString());
        await Expect(new OverviewPage(browser).Heading).ToBeVisibleAsync();
        (await page.EvaluateAsync<string?>("() => window.__e2eDocument")).Should().Be("kept", "the page must not have been reloaded");
        fetched.Should().BeEmpty("the circuit renders the next page itself, without asking the server for it over HTTP");
        browser.Circuit.Circuits.Should().Be(1);
        await browser.ScreenshotAsync("overview-after-nav");
    }
}
