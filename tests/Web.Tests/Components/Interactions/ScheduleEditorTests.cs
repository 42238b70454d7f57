using System.Text.Json.Nodes;
using Bunit;
using Dashboard.Domain.Schedules;
using Dashboard.Infrastructure.Access;
using Dashboard.Infrastructure.Schedules;
using Dashboard.Web.Components.Pages;
using Dashboard.Web.Components.Shared;
using Dashboard.Web.Tests.Api;
using Dashboard.Web.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Components.Interactions;

/// <summary>
/// The schedule editor edits the experiment it repeats with the new-experiment form's fields (family, preset, config,
/// sweep, device, priority), with YAML as a tab over the same draft, and saves what the form shows.
/// </summary>
public sealed class ScheduleEditorTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private async Task<BunitContext> ContextAsync()
    {
        var admin = await app.Services.GetRequiredService<UserStore>().FindByNameAsync(DashboardApp.AdminUserName);
        var context = ComponentContext.ForApp(app.Services, ComponentContext.Member(admin));
        // The one call the page makes to the browser: its time zone. Strict mode fails the test on any other.
        context.JSInterop.SetupModule("./js/time-zone.js").Setup<BrowserZone.Answer>("timeZone").SetResult(new("Europe/Berlin", 60));
        return context;
    }

    private static IRenderedComponent<ScheduleEditor> Open(BunitContext context, string path, long? id = null)
    {
        context.Services.GetRequiredService<NavigationManager>().NavigateTo(path);
        var page = context.Render<ScheduleEditor>(p => p.Add(x => x.Id, id));
        page.WaitForState(() => page.FindAll("[data-testid=config-form]").Count > 0, TimeSpan.FromSeconds(10));
        return page;
    }

    [Fact]
    public async Task A_new_schedule_takes_family_preset_sweep_device_and_priority_from_the_form_and_YAML_edits_come_back()
    {
        await using var context = await ContextAsync();
        var page = Open(context, "schedules/new");
        page.Find("[data-testid=config-form]").GetAttribute("data-family").Should().Be("command");
        page.FindAll("[data-testid=schedule-now]").Should().BeEmpty("the schedule says when; the experiment has no start of its own");

        page.Find("[data-testid=schedule-name]").Input($"nightly ngpt {Guid.NewGuid():N}"[..24]);
        page.Find("[data-testid=editor-family]").Change("ngpt");
        page.Find("[data-testid=config-form]").GetAttribute("data-family").Should().Be("ngpt");
        page.Find("[data-testid=preset]").Change("tiny");
        page.Find("[data-testid=config-field-layers] input").GetAttribute("value").Should().Be("2");
        page.Find("[data-testid=config-field-width] input").Input("48");
        page.Find("[data-testid=sweep-seeds]").Input("3");
        page.Find("[data-testid=device-kind]").Change("cuda");
        page.Find("[data-testid=device-min-gib]").Input("20");
        page.Find("[data-testid=priority]").Input("5");

        page.Find("[data-testid=editor-tab-yaml]").Click();
        var yaml = page.Find("[data-testid=request-text]").GetAttribute("value")!;
        yaml.Should().Contain("family: ngpt").And.Contain("width: 48").And.Contain("seeds: 3").And.Contain("device: \"cuda:20480\"")
            .And.Contain("priority: 5").And.NotContain("schedule:");
        page.Find("[data-testid=request-text]").Input(yaml.Replace("priority: 5", "priority: 7"));
        page.FindAll("[data-testid=request-text-error]").Should().BeEmpty();
        page.Find("[data-testid=editor-tab-form]").Click();
        page.Find("[data-testid=priority]").GetAttribute("value").Should().Be("7");
        page.Find("[data-testid=config-field-width] input").GetAttribute("value").Should().Be("48");

        var name = page.Find("[data-testid=schedule-name]").GetAttribute("value");
        await page.Find("[data-testid=schedule-save]").ClickAsync(new());
        page.WaitForAssertion(() => context.Services.GetRequiredService<NavigationManager>().Uri.Should().EndWith("/schedules"),
            TimeSpan.FromSeconds(10));
        var stored = (await app.Services.GetRequiredService<ScheduleStore>().ListAsync()).Single(s => s.Definition.Name == name);
        var experiment = stored.Definition.Experiment;
        experiment["family"]!.GetValue<string>().Should().Be("ngpt");
        experiment["config"]!["width"]!.GetValue<long>().Should().Be(48);
        experiment["config"]!["layers"]!.GetValue<long>().Should().Be(2);
        experiment["sweep"]!["seeds"]!.GetValue<long>().Should().Be(3);
        experiment["device"]!.GetValue<string>().Should().Be("cuda:20480");
        experiment["priority"]!.GetValue<long>().Should().Be(7);
        experiment.ContainsKey("schedule").Should().BeFalse();
    }

    [Fact]
    public async Task Editing_a_schedule_shows_its_experiment_in_the_form_and_an_invalid_value_is_not_saved()
    {
        var store = app.Services.GetRequiredService<ScheduleStore>();
        var id = await store.CreateAsync(new ScheduleDefinition
        {
            Name = $"weekly {Guid.NewGuid():N}"[..16], Cron = "0 6 * * 1", TimeZone = TimeZoneInfo.Utc,
            Experiment = JsonNode.Parse("""
                {"family": "command", "config": {"command": "python3 train.py --lr {lr}", "lr": 0.01, "total_steps": 50},
                 "sweep": {"axes": {"lr": [0.01, 0.001]}}, "device": "cuda", "priority": 3}
                """)!.AsObject(),
        });
        await using var context = await ContextAsync();
        var page = Open(context, $"schedules/{id}/edit", id);
        page.Find("[data-testid=config-field-command] textarea").GetAttribute("value").Should().Be("python3 train.py --lr {lr}");
        page.Find("[data-testid=config-field-total_steps] input").GetAttribute("value").Should().Be("50");
        page.Find("[data-testid=sweep-axis-field]").GetAttribute("value").Should().Be("lr");
        page.Find("[data-testid=device-kind]").GetAttribute("value").Should().Be("cuda");
        page.Find("[data-testid=priority]").GetAttribute("value").Should().Be("3");
        page.FindAll("[data-testid=field-error]").Should().BeEmpty("nothing was touched yet");

        page.Find("[data-testid=config-field-total_steps] input").Input("0");
        // The field validates as the form re-renders, which a loaded machine may finish after Input returns.
        page.WaitForAssertion(() => page.Find("[data-testid=config-field-total_steps] [data-testid=field-error]").TextContent.Should().Contain("at least 1"),
            TimeSpan.FromSeconds(10));
        await page.Find("[data-testid=schedule-save]").ClickAsync(new());
        page.Find("[data-testid=schedule-submit-error]").TextContent.Should().Contain("Not saved");
        (await store.FindAsync(id))!.Definition.Experiment["config"]!["total_steps"]!.GetValue<long>().Should().Be(50);

        page.Find("[data-testid=config-field-total_steps] input").Input("80");
        await page.Find("[data-testid=schedule-save]").ClickAsync(new());
        page.WaitForAssertion(() => context.Services.GetRequiredService<NavigationManager>().Uri.Should().EndWith("/schedules"),
            TimeSpan.FromSeconds(10));
        var saved = (await store.FindAsync(id))!.Definition.Experiment;
        saved["config"]!["total_steps"]!.GetValue<long>().Should().Be(80);
        saved["sweep"]!["axes"]!["lr"]!.AsArray().Should().HaveCount(2);
        saved["priority"]!.GetValue<long>().Should().Be(3);
    }
}
