using Dashboard.EndToEnd.Tests.Browsing;

namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>/signin (a static server-rendered form: it sets the cookie). Selectors follow the brief's data-testid contract.</summary>
public sealed class SignInPage(BrowserSession session)
{
    public const string Path = "/signin";

    private IPage Page => session.Page;
    public ILocator UserName => Page.GetByTestId("signin-username");
    public ILocator Password => Page.GetByTestId("signin-password");
    public ILocator Submit => Page.GetByTestId("signin-submit");
    public ILocator Error => Page.Locator(".alert.error");
    /// <summary>Who is signed in, shown in the layout.</summary>
    public ILocator SignedInUser => Page.GetByTestId("signed-in-user");

    public async Task<SignInPage> OpenAsync(string? returnUrl = null)
    {
        await session.GotoAsync(returnUrl is null ? Path : $"{Path}?returnUrl={Uri.EscapeDataString(returnUrl)}", interactive: false);
        await Expect(Submit).ToBeVisibleAsync();
        return this;
    }

    public async Task SubmitAsync(string userName, string password)
    {
        await UserName.FillAsync(userName);
        await Password.FillAsync(password);
        await Submit.ClickAsync();
    }

    /// <summary>Signs in and waits for the page it lands on to be interactive.</summary>
    public async Task SignInAsync(string userName, string password)
    {
        await OpenAsync();
        session.Circuit.Reset();
        await SubmitAsync(userName, password);
        await Expect(SignedInUser).ToContainTextAsync(userName);
        await session.Circuit.InteractiveAsync();
    }
}
