using Dashboard.EndToEnd.Tests.Browsing;

namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>/runs/{id}: live charts, config, log tail, artifacts, and the run's actions.</summary>
public sealed class RunPage(BrowserSession session, long runId)
{
    public string Path => $"/runs/{runId}";

    private IPage Page => session.Page;
    public ILocator State => Page.GetByTestId("run-state").First;
    public ILocator Step => Page.GetByTestId("run-step");
    /// <summary>The chart of one metric key, e.g. "loss".</summary>
    public ILocator Chart(string key) => Page.GetByTestId($"run-chart-{key}");
    public ILocator Cancel => Page.GetByTestId("cancel-run");
    /// <summary>Every control that changes something; a review-link visitor must see none of them.</summary>
    public ILocator ActionControls => Page.Locator(string.Join(", ",
        new[] { "run-actions", "cancel-run", "rerun-run", "rerun-run-new-seed", "clone-run", "delete-run", "review-link-open" }
            .Select(id => $"[data-testid=\"{id}\"]")));

    public async Task<RunPage> OpenAsync()
    {
        await session.GotoAsync(Path);
        await Expect(State).ToBeVisibleAsync();
        return this;
    }

    /// <summary>Points the chart for <paramref name="key"/> draws now (its first trace), read from plotly's own data.</summary>
    public Task<int> ChartPointCountAsync(string key) => Charts.PointCountAsync(Chart(key));

    /// <summary>The x values (steps) the chart for <paramref name="key"/> draws now, and the state badge's text, read at one moment.</summary>
    public async Task<(IReadOnlyList<double> Steps, string State)> ChartStepsAndStateAsync(string key)
    {
        var read = await Page.EvaluateAsync<System.Text.Json.JsonElement>(
            $"key => ({{ steps: Array.from(({Charts.Graph})(document.querySelector(`[data-testid=\"run-chart-${{key}}\"]`))?.data?.[0]?.x ?? []), " +
            "state: document.querySelector('[data-testid=\"run-state\"]')?.textContent ?? '' })", key);
        return (read.GetProperty("steps").EnumerateArray().Select(x => x.GetDouble()).ToList(),
            read.GetProperty("state").GetString()!.ToLowerInvariant());
    }

    /// <summary>Waits until the chart for <paramref name="key"/> draws more than <paramref name="points"/> points, without reloading.</summary>
    public Task WaitForChartPointsAsync(string key, int points) => Charts.WaitForPointsAsync(Page, $"run-chart-{key}", points);
}
