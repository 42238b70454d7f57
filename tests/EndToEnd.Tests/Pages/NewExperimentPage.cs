using System.Text.RegularExpressions;
using Dashboard.EndToEnd.Tests.Browsing;

namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>/experiments/new: family, generated config form, sweep axes and seeds with a run-count preview, schedule.</summary>
public sealed partial class NewExperimentPage(BrowserSession session)
{
    public const string Path = "/experiments/new";

    private IPage Page => session.Page;
    public ILocator Family => Page.GetByTestId("new-experiment-family");
    public ILocator Name => Page.GetByTestId("new-experiment-name");
    /// <summary>A config field of the generated form, by its config path (e.g. "command", "total_steps").</summary>
    public ILocator Field(string path) => Page.GetByTestId($"config-field-{path}");
    public ILocator AddAxis => Page.GetByTestId("sweep-axis-add");
    public ILocator AxisName(int index) => Page.GetByTestId($"sweep-axis-name-{index}");
    public ILocator AxisValues(int index) => Page.GetByTestId($"sweep-axis-values-{index}");
    public ILocator Seeds => Page.GetByTestId("sweep-seeds");
    public ILocator RunCountPreview => Page.GetByTestId("run-count-preview");
    public ILocator Submit => Page.GetByTestId("new-experiment-submit");
    public ILocator ValidationMessages => Page.Locator(".field.invalid");

    public async Task<NewExperimentPage> OpenAsync(string? query = null)
    {
        await session.GotoAsync(query is null ? Path : $"{Path}?{query}");
        await Expect(Submit).ToBeVisibleAsync();
        return this;
    }

    public async Task ChooseFamilyAsync(string family) => await Family.SelectOptionAsync(family);

    public async Task AddSweepAxisAsync(int index, string field, string commaSeparatedValues)
    {
        await AddAxis.ClickAsync();
        await AxisName(index).FillAsync(field);
        await AxisValues(index).FillAsync(commaSeparatedValues);
    }

    /// <summary>Submits and answers the id of the experiment page it lands on.</summary>
    public async Task<long> SubmitAsync()
    {
        await Submit.ClickAsync();
        await Expect(Page).ToHaveURLAsync(ExperimentUrl());
        return long.Parse(ExperimentUrl().Match(Page.Url).Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"/experiments/(?<id>\d+)$")]
    private static partial Regex ExperimentUrl();
}
