using Dashboard.EndToEnd.Tests.Browsing;

namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>An experiment page's seed claims panel, its charts across seeds (bands) and its parallel coordinates.</summary>
public sealed class SeedClaims(BrowserSession session)
{
    private IPage Page => session.Page;
    public ILocator Panel => Page.GetByTestId("seed-claims");
    public ILocator Rows => Panel.GetByTestId("claim-row");
    public ILocator Row(string claim) => Panel.Locator($"[data-testid=\"claim-row\"][data-claim=\"{claim}\"]");
    public ILocator Verdicts => Rows.GetByTestId("claim-verdict");
    public ILocator ExportMarkdown => Panel.GetByTestId("export-markdown");
    public ILocator Bands => Page.GetByTestId("seed-bands");
    public ILocator BandChart => Page.GetByTestId("seed-band-chart");
    /// <summary>plotly draws each shaded band as a path with class js-fill.</summary>
    public ILocator BandFills => BandChart.Locator("path.js-fill");
    public ILocator MinMaxToggle => Page.GetByTestId("band-min-max");
    public ILocator Statistic => Page.GetByTestId("band-statistic");
    public ILocator ParallelCoordinates => Page.GetByTestId("parcoords-chart");

    /// <summary>Each claim's name and verdict ("holds", "does-not-hold", "not-yet"), in panel order.</summary>
    public async Task<IReadOnlyList<(string Claim, string Verdict)>> ReadAsync()
    {
        var result = new List<(string, string)>();
        foreach (var row in await Rows.AllAsync())
            result.Add(((await row.GetAttributeAsync("data-claim"))!, (await row.GetAttributeAsync("data-verdict"))!));
        return result;
    }
}
