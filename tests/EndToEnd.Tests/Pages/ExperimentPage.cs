using System.Globalization;
using Dashboard.EndToEnd.Tests.Browsing;

namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>/experiments/{id}: runs table with progress, the selected run's action bar, sweep aggregates, ranking.</summary>
public sealed class ExperimentPage(BrowserSession session, long experimentId)
{
    public string Path => $"/experiments/{experimentId}";

    private IPage Page => session.Page;
    public ILocator Name => Page.GetByTestId("experiment-name");
    public ILocator RunsTable => Page.GetByTestId("runs-table");
    public ILocator RunRows => RunsTable.GetByTestId("run-row");
    public ILocator RunStates => RunRows.GetByTestId("run-state");
    public ILocator Row(long runId) => RunsTable.Locator($"[data-testid=\"run-row\"][data-run-id=\"{runId.ToString(CultureInfo.InvariantCulture)}\"]");
    public ILocator StateOf(long runId) => Row(runId).GetByTestId("run-state");
    public ILocator SweepResults => Page.GetByTestId("sweep-results");
    public ILocator RankingTable => Page.GetByTestId("ranking-table");
    public ILocator RankingRows => RankingTable.GetByTestId("ranking-row");
    public ILocator CompareSelected => Page.GetByTestId("compare-selected");
    /// <summary>The action bar of the one selected run.</summary>
    public ILocator RunActions => Page.GetByTestId("run-actions");
    public ILocator CancelRun => RunActions.GetByTestId("cancel-run");
    public ILocator RunActionMessage => Page.GetByTestId("run-action-message");
    /// <summary>Every control on this page that changes something; a review-link visitor must see none of them.</summary>
    public ILocator ActionControls => Page.Locator(string.Join(", ",
        new[]
        {
            "run-actions", "cancel-run", "rerun-run", "clone-run", "delete-run", "cancel-experiment", "clone-experiment",
            "delete-experiment", "review-link-open", "edit-annotations",
        }.Select(id => $"[data-testid=\"{id}\"]")));

    public async Task<ExperimentPage> OpenAsync()
    {
        await session.GotoAsync(Path);
        await Expect(RunsTable).ToBeVisibleAsync();
        return this;
    }

    /// <summary>Ticks a run's box, which shows that run's action bar above the table.</summary>
    public async Task SelectRunAsync(long runId)
    {
        await Row(runId).GetByTestId("run-select").CheckAsync();
        await Expect(RunActions).ToBeVisibleAsync();
    }
}
