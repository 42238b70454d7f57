using Dashboard.EndToEnd.Tests.Browsing;

namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>
/// The "Share review link" button (and its dialog) on a run, experiment or comparison page; the /links page that
/// lists and revokes links; and what a visitor of a link sees.
/// </summary>
public sealed class ReviewLinks(BrowserSession session)
{
    public const string ListPath = "/links";

    private IPage Page => session.Page;
    public ILocator Open => Page.GetByTestId("review-link-open");
    public ILocator Dialog => Page.GetByTestId("review-link-dialog");
    public ILocator Label => Page.GetByTestId("review-link-label");
    public ILocator Expiry => Page.GetByTestId("review-link-expiry");
    public ILocator Create => Page.GetByTestId("review-link-create");
    public ILocator CreatedUrl => Page.GetByTestId("review-link-url");
    public ILocator Done => Page.GetByTestId("review-link-done");
    public ILocator Table => Page.GetByTestId("review-links-table");
    public ILocator Rows => Page.GetByTestId("review-link-row");
    public ILocator Empty => Page.GetByTestId("review-links-empty");
    /// <summary>What a visitor sees on every page of a link session.</summary>
    public ILocator Banner => Page.GetByTestId("review-banner");
    /// <summary>What an unknown, expired or revoked link answers (HTTP 410).</summary>
    public ILocator Invalid => Page.GetByTestId("review-link-invalid");
    /// <summary>What a page answers a session that may not look at it, or one that ended while the page was open.</summary>
    public ILocator AccessDenied => Page.GetByTestId("access-denied");

    /// <summary>Makes a link for what the current page shows (label, expiry in days: 0, 1, 7 or 30) and answers its address.</summary>
    public async Task<string> CreateAsync(string label, int expiryDays)
    {
        await Open.ClickAsync();
        await Expect(Dialog).ToBeVisibleAsync();
        await Label.FillAsync(label);
        await Expiry.SelectOptionAsync(expiryDays.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Create.ClickAsync();
        await Expect(CreatedUrl).ToBeVisibleAsync();
        var url = await CreatedUrl.InputValueAsync();
        url.Should().Contain("/review/");
        return url;
    }

    public async Task CloseDialogAsync()
    {
        await Done.ClickAsync();
        await Expect(Dialog).ToHaveCountAsync(0);
    }

    public async Task OpenListAsync()
    {
        await session.GotoAsync(ListPath);
        await Expect(Table.Or(Empty)).ToBeVisibleAsync();
    }

    /// <summary>The list shows no token (only its hash is stored), so a link is found by its label.</summary>
    public ILocator RowLabelled(string label) => Rows.Filter(new() { HasText = label });

    public async Task RevokeAsync(ILocator row)
    {
        await row.GetByTestId("review-link-revoke").ClickAsync();
        await Expect(row.GetByTestId("review-link-state")).ToHaveTextAsync("revoked");
        await Expect(row.GetByTestId("review-link-revoke")).ToHaveCountAsync(0);
    }
}
