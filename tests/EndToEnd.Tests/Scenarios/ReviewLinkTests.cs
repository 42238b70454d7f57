using Dashboard.EndToEnd.Tests.Api;
using Dashboard.EndToEnd.Tests.Pages;

namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>
/// A review link: a visitor without an account sees the run through it and can do nothing else, not even over HTTP
/// with the link's cookie; once revoked, the link opens nothing.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ReviewLinkTests(DashboardFixture dashboard, ITestOutputHelper output)
{
    [Fact(Skip = Needs.ReviewLinks)]
    public async Task A_review_link_shows_the_run_read_only_to_a_visitor_until_it_is_revoked()
    {
        using var api = dashboard.Api();
        var runId = (await api.CreateExperimentAsync(CommandExperiments.Request(
            CommandExperiments.UniqueName("shared run"), CommandExperiments.LossCurve(5), totalSteps: 5))).RunIds.Single();
        await api.WaitForFinishAsync(runId, TimeSpan.FromMinutes(2));

        await using var owner = await dashboard.OpenSignedInBrowserAsync(output);
        var ownersRun = await new RunPage(owner, runId).OpenAsync();
        // The member sees the actions a visitor must not: this also checks the selector finds them at all.
        await Expect(ownersRun.ActionControls.First).ToBeVisibleAsync();
        var links = new ReviewLinks(owner);
        var url = await links.CreateAsync();
        await owner.ScreenshotAsync("link-created");

        await using (var visitor = await owner.OpenFreshContextAsync("visitor"))
        {
            var opened = await visitor.GotoAsync(url);
            opened!.Ok.Should().BeTrue();
            var visitorsRun = new RunPage(visitor, runId);
            await Expect(visitorsRun.State).ToContainTextAsync("succeeded", new() { IgnoreCase = true });
            await Expect(visitorsRun.Chart("loss")).ToBeVisibleAsync();
            await Expect(visitorsRun.ActionControls).ToHaveCountAsync(0);
            await visitor.ScreenshotAsync("read-only");

            // What the page hides, the server refuses too: the link session's cookies cannot act through the API.
            var cancel = await visitor.Requests.PostAsync($"/api/runs/{runId}/cancel");
            cancel.Status.Should().Be(403);
            var rerun = await visitor.Requests.PostAsync($"/api/runs/{runId}/rerun", new() { DataObject = new { } });
            rerun.Status.Should().Be(403);
            var create = await visitor.Requests.PostAsync("/api/experiments", new()
            {
                DataString = CommandExperiments.Request("visitor's", "true").ToJsonString(),
                Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" },
            });
            create.Status.Should().Be(403);
            (await api.GetRunAsync(runId))["state"]!.GetValue<string>().Should().Be("succeeded");

            await links.OpenListAsync();
            await Expect(links.RowFor(url)).ToBeVisibleAsync();
            await owner.ScreenshotAsync("links-list");
            await links.RevokeAsync(url);
            await owner.ScreenshotAsync("link-revoked");

            // Revoking ends the visitor's session too.
            await visitor.GotoAsync($"/runs/{runId}", interactive: false);
            await Expect(visitorsRun.State).ToHaveCountAsync(0);
            await visitor.ScreenshotAsync("after-revoke");
        }

        await using var late = await owner.OpenFreshContextAsync("late-visitor");
        var again = await late.GotoAsync(url, interactive: false);
        again!.Ok.Should().BeFalse("a revoked link opens nothing");
        await Expect(new RunPage(late, runId).State).ToHaveCountAsync(0);
        await late.ScreenshotAsync("revoked-link");
    }
}
