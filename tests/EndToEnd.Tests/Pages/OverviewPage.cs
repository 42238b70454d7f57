using Dashboard.EndToEnd.Tests.Browsing;

namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>/ : queue at a glance, workers, recent runs.</summary>
public sealed class OverviewPage(BrowserSession session)
{
    public const string Path = "/";

    public ILocator Heading => session.Page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 });
    public Sidebar Sidebar { get; } = new(session.Page);

    public async Task<OverviewPage> OpenAsync()
    {
        var response = await session.GotoAsync(Path);
        response!.Status.Should().Be(200);
        await Expect(Heading).ToBeVisibleAsync();
        return this;
    }
}
