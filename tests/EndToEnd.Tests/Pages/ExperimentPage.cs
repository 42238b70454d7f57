using Dashboard.EndToEnd.Tests.Browsing;

namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>/experiments/{id}: runs table with progress, sweep aggregates, ranking.</summary>
public sealed class ExperimentPage(BrowserSession session, long experimentId)
{
    public string Path => $"/experiments/{experimentId}";

    private IPage Page => session.Page;
    public ILocator Heading => Page.Locator("h1");
    public ILocator RunsTable => Page.GetByTestId("experiment-runs");
    public ILocator RunRows => RunsTable.Locator("tbody tr");
    public ILocator RunStates => RunsTable.GetByTestId("run-state");

    public async Task<ExperimentPage> OpenAsync()
    {
        await session.GotoAsync(Path);
        await Expect(RunsTable).ToBeVisibleAsync();
        return this;
    }
}
