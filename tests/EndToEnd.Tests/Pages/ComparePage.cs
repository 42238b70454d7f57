using Dashboard.EndToEnd.Tests.Browsing;

namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>/compare/{a},{b},…: overlaid charts, config diff, ranking.</summary>
public sealed class ComparePage(BrowserSession session, IReadOnlyList<long> runIds)
{
    public string Path => $"/compare/{string.Join(',', runIds)}";

    private IPage Page => session.Page;
    public ILocator Chart(string key) => Page.GetByTestId($"compare-chart-{key}");
    public ILocator ConfigDiff => Page.GetByTestId("config-diff");
    public ILocator Ranking => Page.GetByTestId("compare-ranking");

    public async Task<ComparePage> OpenAsync()
    {
        await session.GotoAsync(Path);
        await Expect(ConfigDiff).ToBeVisibleAsync();
        return this;
    }

    public Task<int> TraceCountAsync(string key) => Charts.TraceCountAsync(Chart(key));
}
