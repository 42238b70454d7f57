using System.Text.RegularExpressions;
using Dashboard.EndToEnd.Tests.Browsing;

namespace Dashboard.EndToEnd.Tests.Pages;

/// <summary>/experiments/new: family picker, generated config form, sweep axes and seeds with a run-count preview, schedule.</summary>
public sealed partial class NewExperimentPage(BrowserSession session)
{
    public const string Path = "/experiments/new";

    private IPage Page => session.Page;
    public ILocator FamilyPicker => Page.GetByTestId("family-picker");
    public ILocator ConfigForm => Page.GetByTestId("config-form");
    public ILocator Name => Page.GetByTestId("experiment-name-input");
    /// <summary>The input of a config field of the generated form, by its config name (e.g. "command", "total_steps").</summary>
    public ILocator Field(string name) => Page.GetByTestId($"config-field-{name}").Locator("input, textarea, select").First;
    /// <summary>The message under a config field that is wrong.</summary>
    public ILocator FieldError(string name) => Page.GetByTestId($"config-field-{name}").GetByTestId("field-error");
    public ILocator AddParameter => Page.GetByTestId("config-extra-add");
    public ILocator ParameterNames => Page.GetByTestId("config-extra-name");
    public ILocator ParameterValues => Page.GetByTestId("config-extra-value");
    public ILocator AddAxis => Page.GetByTestId("sweep-axis-add");
    public ILocator AxisFields => Page.GetByTestId("sweep-axis-field");
    public ILocator AxisValues => Page.GetByTestId("sweep-axis-values");
    public ILocator Seeds => Page.GetByTestId("sweep-seeds");
    public ILocator ScheduleNow => Page.GetByTestId("schedule-now");
    public ILocator Device => Page.GetByTestId("device-kind");
    public ILocator RunCountPreview => Page.GetByTestId("run-count-preview");
    /// <summary>The summary of what stops the submit, beside the button.</summary>
    public ILocator Errors => Page.GetByTestId("new-experiment-errors");
    public ILocator Submit => Page.GetByTestId("new-experiment-submit");
    /// <summary>The editor's tabs: "form", "yaml", "json".</summary>
    public ILocator EditorTab(string tab) => Page.GetByTestId($"editor-tab-{tab}");
    /// <summary>The YAML or JSON document of the request, in the text tabs.</summary>
    public ILocator RequestText => Page.GetByTestId("request-text");

    /// <summary>Opens the page on its family picker.</summary>
    public async Task<NewExperimentPage> OpenAsync()
    {
        await session.GotoAsync(Path);
        await Expect(FamilyPicker).ToBeVisibleAsync();
        return this;
    }

    /// <summary>Picks a family's card and waits for its generated form.</summary>
    public async Task ChooseFamilyAsync(string family)
    {
        await Page.GetByTestId($"pick-family-{family}").ClickAsync();
        await Expect(ConfigForm).ToHaveAttributeAsync("data-family", family);
        await Expect(Submit).ToBeVisibleAsync();
    }

    /// <summary>Adds one of the script's own parameters (the command family allows any) with its value.</summary>
    public async Task AddParameterAsync(string name, string value)
    {
        var index = await ParameterNames.CountAsync();
        await AddParameter.ClickAsync();
        await ParameterNames.Nth(index).FillAsync(name);
        await ParameterValues.Nth(index).FillAsync(value);
    }

    public async Task AddSweepAxisAsync(string field, string commaSeparatedValues)
    {
        var index = await AxisFields.CountAsync();
        await AddAxis.ClickAsync();
        await AxisFields.Nth(index).FillAsync(field);
        await AxisValues.Nth(index).FillAsync(commaSeparatedValues);
    }

    /// <summary>Submits and answers the id of the experiment page it lands on.</summary>
    public async Task<long> SubmitAsync()
    {
        await Submit.ClickAsync();
        await Expect(Page).ToHaveURLAsync(ExperimentUrl(), new() { Timeout = 30_000 });
        return long.Parse(ExperimentUrl().Match(Page.Url).Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"/experiments/(?<id>\d+)$")]
    private static partial Regex ExperimentUrl();
}
