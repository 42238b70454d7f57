namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>Reads what a chart component shows from plotly's own state (the graph div's data), not from pixels.</summary>
public static class Charts
{
    // The test id sits on the component's root; plotly's graph div is that element or inside it.
    internal const string Graph = "root => !root ? null : root.classList.contains('js-plotly-plot') ? root : root.querySelector('.js-plotly-plot')";

    public static Task<int> PointCountAsync(ILocator chart) =>
        chart.EvaluateAsync<int>($"root => {{ const g = ({Graph})(root); return g?.data?.[0]?.x?.length ?? 0; }}");

    public static Task<int> TraceCountAsync(ILocator chart) =>
        chart.EvaluateAsync<int>($"root => {{ const g = ({Graph})(root); return g?.data?.length ?? 0; }}");

    /// <summary>Waits (polling the live page, no reload) until the chart's first trace has more than <paramref name="points"/> points.</summary>
    public static async Task WaitForPointsAsync(IPage page, string testId, int points) =>
        await page.WaitForFunctionAsync(
            $"([id, n]) => {{ const g = ({Graph})(document.querySelector(`[data-testid=\"${{id}}\"]`)); return (g?.data?.[0]?.x?.length ?? 0) > n; }}",
            new object[] { testId, points },
            new PageWaitForFunctionOptions { Timeout = 30_000, PollingInterval = 100 });

    /// <summary>Waits until the chart draws at least <paramref name="traces"/> traces (one per compared run).</summary>
    public static async Task WaitForTracesAsync(IPage page, string testId, int traces) =>
        await page.WaitForFunctionAsync(
            $"([id, n]) => {{ const g = ({Graph})(document.querySelector(`[data-testid=\"${{id}}\"]`)); return (g?.data?.length ?? 0) >= n; }}",
            new object[] { testId, traces },
            new PageWaitForFunctionOptions { Timeout = 30_000, PollingInterval = 100 });
}
