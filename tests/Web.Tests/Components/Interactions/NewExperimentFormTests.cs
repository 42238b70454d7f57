using Bunit;
using Dashboard.Web.Components.Pages;
using Dashboard.Web.Components.Shared;
using Dashboard.Web.Tests.Api;
using Dashboard.Web.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Components.Interactions;

/// <summary>The new-experiment form as a user drives it: pick a family, edit fields, build a sweep, switch to YAML and back.</summary>
public sealed class NewExperimentFormTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private BunitContext Context()
    {
        var context = ComponentContext.ForApp(app.Services);
        // The one call the page makes to the browser: its time zone. Strict mode fails the test on any other.
        context.JSInterop.SetupModule("./js/time-zone.js").Setup<BrowserZone.Answer>("timeZone").SetResult(new("Europe/Berlin", 60));
        return context;
    }

    private static IRenderedComponent<NewExperiment> Open(BunitContext context, string query)
    {
        context.Services.GetRequiredService<NavigationManager>().NavigateTo("experiments/new" + query);
        var page = context.Render<NewExperiment>();
        // The page first reads the registered workers (the database): wait for the picker or the form.
        var ready = query.Length == 0 ? "[data-testid=pick-family-command]" : "[data-testid=config-form]";
        page.WaitForState(() => page.FindAll(ready).Count > 0, TimeSpan.FromSeconds(10));
        return page;
    }

    [Fact]
    public void Picking_a_family_opens_its_form_and_an_invalid_value_shows_its_error_inline()
    {
        using var context = Context();
        var picker = Open(context, "");
        var href = picker.Find("[data-testid=pick-family-command]").GetAttribute("href");
        href.Should().Be("experiments/new?family=command");

        var page = Open(context, "?family=command");
        page.Find("[data-testid=new-experiment-family]").TextContent.Should().Be("Command");
        page.FindAll("[data-testid=field-error]").Should().BeEmpty("nothing was touched yet");

        // The form re-renders after the input's event is handled; on a loaded machine that can come after Input returns.
        page.Find("[data-testid=config-field-total_steps] input").Input("0");
        page.WaitForAssertion(() =>
        {
            page.Find("[data-testid=config-field-total_steps] [data-testid=field-error]").TextContent.Should().Contain("at least 1");
            page.Find("[data-testid=config-field-total_steps]").ClassList.Should().Contain("invalid");
        }, TimeSpan.FromSeconds(10));

        page.Find("[data-testid=config-field-total_steps] input").Input("100");
        page.WaitForAssertion(() => page.FindAll("[data-testid=config-field-total_steps] [data-testid=field-error]").Should().BeEmpty(),
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_run_preview_counts_the_sweep_as_it_is_typed()
    {
        using var context = Context();
        var page = Open(context, "?family=command");
        page.Find("[data-testid=run-count-preview]").TextContent.Should().Contain("1 run");

        page.Find("[data-testid=sweep-axis-add]").Click();
        // Under the full suite's load the added row was once not in the page's markup right after the click (as in the
        // YAML test below): wait for it, and for each preview, instead of reading the markup at once.
        page.WaitForElement("[data-testid=sweep-axis-field]", TimeSpan.FromSeconds(10)).Input("lr");
        page.Find("[data-testid=sweep-axis-values]").Input("0.1, 0.01, 0.001");
        page.WaitForAssertion(() => page.Find("[data-testid=run-count-preview]").TextContent.Should().Contain("3 runs").And.Contain("3 lr"),
            TimeSpan.FromSeconds(10));

        page.Find("[data-testid=sweep-seeds]").Input("2");
        page.WaitForAssertion(() => page.Find("[data-testid=run-count-preview]").TextContent.Should().Contain("6 runs").And.Contain("3 lr × 2 seeds"),
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_YAML_tab_shows_the_form_as_a_document_and_an_edit_there_comes_back_to_the_form()
    {
        using var context = Context();
        var page = Open(context, "?family=command");
        page.Find("[data-testid=config-field-command] textarea").Input("python3 train.py --lr {lr}");
        page.Find("[data-testid=config-extra-add]").Click();
        // Once, under the full suite's load, the new row was not there right after the click: wait for it.
        page.WaitForElement("[data-testid=config-extra-name]", TimeSpan.FromSeconds(10)).Input("lr");
        page.Find("[data-testid=config-extra-value]").Input("0.1");

        page.Find("[data-testid=editor-tab-yaml]").Click();
        var yaml = page.Find("[data-testid=request-text]").GetAttribute("value")!;
        yaml.Should().Contain("family: command").And.Contain("lr: 0.1").And.Contain("python3 train.py --lr {lr}");

        page.Find("[data-testid=request-text]").Input(yaml.Replace("lr: 0.1", "lr: 0.003"));
        page.FindAll("[data-testid=request-text-error]").Should().BeEmpty();
        page.Find("[data-testid=editor-tab-form]").Click();
        page.Find("[data-testid=config-extra-value]").GetAttribute("value").Should().Be("0.003");
        page.Find("[data-testid=config-field-command] textarea").GetAttribute("value").Should().Be("python3 train.py --lr {lr}");
    }

    [Fact]
    public void A_start_time_is_read_in_the_browsers_zone_whichever_answers_first_the_zone_or_the_database()
    {
        using var context = Context();
        var page = Open(context, "?family=command");
        page.Find("[data-testid=schedule-at]").Change(true);
        // The zone may come back before the page's draft exists (the draft is made after a database read): the draft
        // still gets it.
        page.WaitForAssertion(() => page.Find("[data-testid=run-options]").TextContent.Should().Contain("Your local time (Europe/Berlin)"),
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_placeholder_without_a_value_is_named_before_submitting()
    {
        using var context = Context();
        var page = Open(context, "?family=command");
        page.Find("[data-testid=config-field-command] textarea").Input("python3 train.py --lr {lr}");
        page.WaitForAssertion(() => page.Find("[data-testid=config-field-command] [data-testid=field-error]").TextContent
            .Should().Contain("{lr} names no config value"), TimeSpan.FromSeconds(5));
    }
}
