using Dashboard.EndToEnd.Tests.Browsing;

namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>/account: the member's password and API tokens (and, for an admin, the team's users).</summary>
public sealed class AccountPage(BrowserSession session)
{
    public const string Path = "/account";

    private IPage Page => session.Page;
    public ILocator TokenName => Page.GetByTestId("api-token-name");
    public ILocator CreateToken => Page.GetByTestId("api-token-create");
    public ILocator NewTokenSecret => Page.GetByTestId("api-token-secret");
    public ILocator TokenRows => Page.GetByTestId("api-token-row");

    public async Task<AccountPage> OpenAsync()
    {
        await session.GotoAsync(Path);
        await Expect(CreateToken).ToBeVisibleAsync();
        return this;
    }

    /// <summary>Makes an API token and answers its secret, which the page shows once.</summary>
    public async Task<string> CreateTokenAsync(string name)
    {
        await TokenName.FillAsync(name);
        await CreateToken.ClickAsync();
        await Expect(NewTokenSecret).ToBeVisibleAsync();
        var secret = await NewTokenSecret.InputValueAsync();
        secret.Should().NotBeNullOrWhiteSpace();
        return secret;
    }
}
