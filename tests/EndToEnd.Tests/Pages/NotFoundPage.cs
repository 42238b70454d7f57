namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>What any address without a page shows (also served at /not-found).</summary>
public sealed class NotFoundPage(IPage page)
{
    public const string Path = "/not-found";

    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Name = "Page not found", Level = 1 });
    public ILocator OverviewLink => page.Locator("main").GetByRole(AriaRole.Link, new() { Name = "overview" });
}
