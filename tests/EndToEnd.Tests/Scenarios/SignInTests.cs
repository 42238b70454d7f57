using System.Text.RegularExpressions;
using Dashboard.EndToEnd.Tests.Pages;

namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>A team member signs in with the admin account the configuration created.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SignInTests(DashboardFixture dashboard, ITestOutputHelper output)
{
    [Fact(Skip = Needs.Auth)]
    public async Task A_visitor_is_sent_to_sign_in_and_the_admin_gets_in_with_the_right_password_only()
    {
        await using var browser = await dashboard.OpenBrowserAsync(output);
        await browser.GotoAsync(OverviewPage.Path, interactive: false);
        await Expect(browser.Page).ToHaveURLAsync(new Regex("/signin"));
        var signIn = new SignInPage(browser);
        await Expect(signIn.Submit).ToBeVisibleAsync();
        await browser.ScreenshotAsync("signin");

        await signIn.SubmitAsync(dashboard.AdminUserName, "not-the-password");
        await Expect(signIn.Error).ToBeVisibleAsync();
        await Expect(browser.Page).ToHaveURLAsync(new Regex("/signin"));
        await browser.ScreenshotAsync("wrong-password");

        browser.Circuit.Reset();
        await signIn.SubmitAsync(dashboard.AdminUserName, dashboard.AdminPassword);
        await Expect(browser.Page).ToHaveURLAsync(new Uri(dashboard.BaseUrl, OverviewPage.Path).ToString());
        await browser.Circuit.InteractiveAsync();
        await Expect(new OverviewPage(browser).Heading).ToBeVisibleAsync();
        await Expect(signIn.SignedInUser).ToContainTextAsync(dashboard.AdminUserName);
        await browser.ScreenshotAsync("overview-signed-in");
    }
}
