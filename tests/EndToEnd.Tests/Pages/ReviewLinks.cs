using Dashboard.EndToEnd.Tests.Browsing;

namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>The review-link button on a run, experiment or comparison page, and the /links page that lists and revokes links.</summary>
public sealed class ReviewLinks(BrowserSession session)
{
    public const string ListPath = "/links";

    private IPage Page => session.Page;
    public ILocator Create => Page.GetByTestId("review-link-create");
    public ILocator CreateConfirm => Page.GetByTestId("review-link-create-confirm");
    public ILocator CreatedUrl => Page.GetByTestId("review-link-url");
    public ILocator Rows => Page.GetByTestId("review-link-row");

    /// <summary>Makes a link for what the current page shows and answers its address.</summary>
    public async Task<string> CreateAsync()
    {
        await Create.ClickAsync();
        // The button may open a small form (expiry) first.
        if (await CreateConfirm.CountAsync() > 0) await CreateConfirm.ClickAsync();
        await Expect(CreatedUrl).ToBeVisibleAsync();
        var url = await CreatedUrl.EvaluateAsync<string>("e => (e.value || e.textContent || '').trim()");
        url.Should().Contain("/review/");
        return url;
    }

    public async Task OpenListAsync()
    {
        await session.GotoAsync(ListPath);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
    }

    public ILocator RowFor(string url) => Rows.Filter(new() { HasText = TokenOf(url) });

    public async Task RevokeAsync(string url)
    {
        var row = RowFor(url);
        await row.GetByTestId("review-link-revoke").ClickAsync();
        var confirm = Page.GetByTestId("review-link-revoke-confirm");
        if (await confirm.CountAsync() > 0) await confirm.ClickAsync();
        await Expect(row.GetByTestId("review-link-state")).ToContainTextAsync("revoked", new() { IgnoreCase = true });
    }

    /// <summary>The link lists may show a shortened token; its first characters identify it.</summary>
    public static string TokenOf(string url) => url[(url.LastIndexOf('/') + 1)..][..8];
}
