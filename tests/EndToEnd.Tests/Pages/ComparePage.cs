using Dashboard.EndToEnd.Tests.Browsing;

namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>/compare/{a},{b},…: ranking, overlaid charts (one line per run), config diff.</summary>
public sealed class ComparePage(BrowserSession session, IReadOnlyList<long> runIds)
{
    public string Path => $"/compare/{string.Join(',', runIds)}";

    private IPage Page => session.Page;
    /// <summary>The chart of one metric key, e.g. "loss".</summary>
    public ILocator Chart(string key) => Page.GetByTestId($"compare-chart-{key}");
    public ILocator ConfigDiff => Page.GetByTestId("config-diff");
    /// <summary>A row of the config diff (only fields that differ are shown at first).</summary>
    public ILocator DiffRow(string key) => ConfigDiff.Locator($"[data-testid=\"config-diff-row\"][data-key=\"{key}\"]");
    public ILocator DiffRows => ConfigDiff.GetByTestId("config-diff-row");
    public ILocator Ranking => Page.GetByTestId("ranking");
    public ILocator RankingRows => Ranking.GetByTestId("ranking-row");

    public async Task<ComparePage> OpenAsync()
    {
        await session.GotoAsync(Path);
        await Expect(ConfigDiff).ToBeVisibleAsync();
        return this;
    }

    public Task<int> TraceCountAsync(string key) => Charts.TraceCountAsync(Chart(key));
}
