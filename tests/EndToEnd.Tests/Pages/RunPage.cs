using Dashboard.EndToEnd.Tests.Browsing;

namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>/runs/{id}: live charts, config, log tail, artifacts, and the run's actions.</summary>
public sealed class RunPage(BrowserSession session, long runId)
{
    public string Path => $"/runs/{runId}";

    private IPage Page => session.Page;
    public ILocator State => Page.GetByTestId("run-state");
    public ILocator Chart(string key) => Page.GetByTestId($"run-chart-{key}");
    public ILocator Cancel => Page.GetByTestId("cancel-run");
    public ILocator ConfirmCancel => Page.GetByTestId("cancel-run-confirm");
    /// <summary>Every control that changes something; a review-link visitor must see none of them.</summary>
    public ILocator ActionControls => Page.Locator(string.Join(", ",
        new[] { "cancel-run", "rerun-run", "clone-run", "delete-run", "run-tags-edit", "run-notes-edit", "review-link-create" }
            .Select(id => $"[data-testid=\"{id}\"]")));

    public async Task<RunPage> OpenAsync()
    {
        await session.GotoAsync(Path);
        await Expect(State).ToBeVisibleAsync();
        return this;
    }

    /// <summary>Points the chart for <paramref name="key"/> draws now (its first trace), read from plotly's own data.</summary>
    public Task<int> ChartPointCountAsync(string key) => Charts.PointCountAsync(Chart(key));

    /// <summary>Waits until the chart for <paramref name="key"/> draws more than <paramref name="points"/> points, without reloading.</summary>
    public Task WaitForChartPointsAsync(string key, int points) => Charts.WaitForPointsAsync(Page, $"run-chart-{key}", points);

    public async Task CancelAsync()
    {
        await Cancel.ClickAsync();
        // RunActionBar may ask for confirmation first.
        if (await ConfirmCancel.CountAsync() > 0) await ConfirmCancel.ClickAsync();
    }
}
