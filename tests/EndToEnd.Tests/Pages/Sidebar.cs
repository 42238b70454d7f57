namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>The layout's sidebar: brand and main navigation, on every page.</summary>
public sealed class Sidebar(IPage page)
{
    public ILocator Brand => page.Locator("aside .brand");
    public ILocator Navigation => page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
    public ILocator Link(string text) => Navigation.GetByRole(AriaRole.Link, new() { Name = text, Exact = true });

    public static readonly string[] MainLinks = ["Overview", "Experiments", "New experiment", "Compare"];
}
