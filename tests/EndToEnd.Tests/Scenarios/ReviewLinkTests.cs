using System.Text.RegularExpressions;
using Dashboard.EndToEnd.Tests.Api;
using Dashboard.EndToEnd.Tests.Pages;

namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>
/// A review link: a visitor without an account sees the experiment through it and can do nothing else, not even
/// over HTTP with the link session's cookie; once revoked, the link opens nothing and the visitor's session is over.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ReviewLinkTests(DashboardFixture dashboard, ITestOutputHelper output)
{
    [Fact]
    public async Task A_review_link_shows_the_experiment_read_only_to_a_visitor_until_it_is_revoked()
    {
        using var api = dashboard.Api();
        var created = await api.CreateExperimentAsync(CommandExperiments.Request(
            CommandExperiments.UniqueName("shared experiment"), CommandExperiments.LossCurve(5), totalSteps: 5));
        var (experimentId, runId) = (created.ExperimentId, created.RunIds.Single());
        await api.WaitForFinishAsync(runId, TimeSpan.FromMinutes(2));

        await using var owner = await dashboard.OpenSignedInBrowserAsync(output);
        var ownersView = await new ExperimentPage(owner, experimentId).OpenAsync();
        // The member sees the controls a visitor must not: this also checks that the selector finds them at all.
        await Expect(ownersView.ActionControls.First).ToBeVisibleAsync();
        var links = new ReviewLinks(owner);
        var label = $"e2e review {Guid.NewGuid():N}"[..20];
        var url = await links.CreateAsync(label, expiryDays: 7);
        await owner.ScreenshotAsync("link-created");
        await links.CloseDialogAsync();

        await using (var visitor = await owner.OpenFreshContextAsync("visitor"))
        {
            var opened = await visitor.GotoAsync(url);
            opened!.Ok.Should().BeTrue();
            await Expect(visitor.Page).ToHaveURLAsync(new Regex($"/experiments/{experimentId}$"));
            var visitorsView = new ExperimentPage(visitor, experimentId);
            var visitorsLinks = new ReviewLinks(visitor);
            await Expect(visitorsView.Name).ToHaveTextAsync(created.Body["experiment"]!["name"]!.GetValue<string>());
            await Expect(visitorsLinks.Banner).ToBeVisibleAsync();
            await Expect(visitorsView.StateOf(runId)).ToHaveAttributeAsync("data-state", "succeeded");
            await Expect(visitorsView.ActionControls).ToHaveCountAsync(0);
            // Selecting a run shows a member its action bar; a visitor gets none.
            await visitorsView.Row(runId).GetByTestId("run-select").CheckAsync();
            await Expect(visitor.Page.GetByTestId("runs-selection")).ToBeVisibleAsync();
            await Expect(visitorsView.ActionControls).ToHaveCountAsync(0);
            // The navigation offers nothing but what the link shows: no new experiment, no links page.
            var nav = new Sidebar(visitor.Page).Navigation.GetByRole(AriaRole.Link);
            await Expect(nav).ToHaveTextAsync([$"experiment {experimentId}"]);
            await visitor.ScreenshotAsync("read-only");
            // The experiment's runs are part of it: the run page opens, with its chart and without its actions.
            var visitorsRun = await new RunPage(visitor, runId).OpenAsync();
            await Expect(visitorsRun.State).ToHaveAttributeAsync("data-state", "succeeded");
            await visitorsRun.WaitForChartPointsAsync("loss", 4);
            await Expect(visitorsRun.ActionControls).ToHaveCountAsync(0);
            await Expect(visitorsLinks.Banner).ToBeVisibleAsync();
            await visitor.ScreenshotAsync("run-read-only");

            // What the page hides, the server refuses too: the link session's cookies cannot act through the API.
            var json = new Dictionary<string, string> { ["Content-Type"] = "application/json" };
            (await visitor.Requests.PostAsync($"/api/runs/{runId}/cancel")).Status.Should().Be(403);
            (await visitor.Requests.PostAsync($"/api/runs/{runId}/rerun", new() { DataString = "{}", Headers = json })).Status.Should().Be(403);
            (await visitor.Requests.PatchAsync($"/api/experiments/{experimentId}", new() { DataString = """{"notes": "visitor was here"}""", Headers = json }))
                .Status.Should().Be(403);
            (await visitor.Requests.DeleteAsync($"/api/experiments/{experimentId}")).Status.Should().Be(403);
            (await visitor.Requests.PostAsync("/api/experiments", new()
            {
                DataString = CommandExperiments.Request("visitor's", "true").ToJsonString(), Headers = json,
            })).Status.Should().Be(403);
            // ... while reading what the link covers works.
            (await visitor.Requests.GetAsync($"/api/experiments/{experimentId}")).Status.Should().Be(200);
            var after = await api.GetExperimentAsync(experimentId);
            after.RunIds.Should().Equal(runId);
            after.Body["experiment"]!["notes"]?.ToString().Should().NotContain("visitor");
            // Pages outside the link are closed to it.
            await visitor.GotoAsync(NewExperimentPage.Path, interactive: false);
            await Expect(visitorsLinks.AccessDenied).ToBeVisibleAsync();
            await Expect(new NewExperimentPage(visitor).FamilyPicker).ToHaveCountAsync(0);
            await Expect(new NewExperimentPage(visitor).Submit).ToHaveCountAsync(0);
            await visitor.ScreenshotAsync("outside-the-link");
            await visitor.GotoAsync(visitorsView.Path);
            await Expect(visitorsView.Name).ToBeVisibleAsync();

            await links.OpenListAsync();
            var row = links.RowLabelled(label);
            await Expect(row).ToBeVisibleAsync();
            await Expect(row.GetByTestId("review-link-state")).ToHaveTextAsync("active");
            await owner.ScreenshotAsync("links-list");
            await links.RevokeAsync(row);
            await owner.ScreenshotAsync("link-revoked");

            // Revoking ends the visitor's session too: the page they have open closes without a reload ...
            await Expect(visitorsLinks.AccessDenied).ToBeVisibleAsync();
            await Expect(visitorsView.Name).ToHaveCountAsync(0);
            await visitor.ScreenshotAsync("open-page-after-revoke");
            // ... and the next load of it shows nothing of the experiment.
            await visitor.GotoAsync(visitorsView.Path, interactive: false);
            await Expect(visitor.Page).ToHaveURLAsync(new Regex("/signin"));
            await Expect(visitorsView.Name).ToHaveCountAsync(0);
            await Expect(visitorsView.RunsTable).ToHaveCountAsync(0);
            await visitor.ScreenshotAsync("reload-after-revoke");
            (await visitor.Requests.GetAsync($"/api/experiments/{experimentId}")).Status.Should().Be(401);
        }

        await using var late = await owner.OpenFreshContextAsync("late-visitor");
        var again = await late.GotoAsync(url, interactive: false);
        again!.Status.Should().Be(410, "a revoked link opens nothing");
        await Expect(new ReviewLinks(late).Invalid).ToBeVisibleAsync();
        await Expect(new ExperimentPage(late, experimentId).Name).ToHaveCountAsync(0);
        await late.ScreenshotAsync("revoked-link");
    }
}
