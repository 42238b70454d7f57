using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dashboard.EndToEnd.Tests.Pages;

namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>
/// Seed 002's depth sweep at the tiny preset's shapes, two seeds: the experiment page checks the seed's claims as the runs
/// finish, draws each config's median with its IQR band, and a review link shows a signed-out visitor the same panel.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class SeedClaimsTests(DashboardFixture dashboard, ITestOutputHelper output)
{
    [Fact]
    public async Task A_tiny_depth_sweep_shows_seed_claims_with_verdicts_and_iqr_bands_also_through_a_review_link()
    {
        using var api = dashboard.Api();
        var created = await api.CreateExperimentAsync(new JsonObject
        {
            ["name"] = $"tiny depth sweep {Guid.NewGuid():N}"[..26],
            ["family"] = "residual-streams",
            ["preset"] = "depth-sweep",
            ["config"] = new JsonObject { ["width"] = 16, ["d_ff"] = 64, ["heads"] = 2, ["vocab"] = 32, ["seq_len"] = 8, ["batch"] = 4, ["steps"] = 12, ["checkpoint_every"] = 0 },
            ["sweep"] = new JsonObject
            {
                // The preset's named configs (the seed's tiny_12l/24l/48l files), which the claims pick by name.
                ["configs"] = new JsonObject
                {
                    ["tiny_12l"] = new JsonObject { ["depth"] = 12 },
                    ["tiny_24l"] = new JsonObject { ["depth"] = 24 },
                    ["tiny_48l"] = new JsonObject { ["depth"] = 48 },
                },
                ["axes"] = new JsonObject { ["variant"] = new JsonArray("baseline", "hc", "mhc") },
                ["seeds"] = 2,
            },
        });
        created.RunIds.Should().HaveCount(18);
        created.Body["experiment"]!["claim_definitions"]!.AsArray().Should().HaveCountGreaterThan(8, "the preset brings seed 002's claims");

        await using var owner = await dashboard.OpenSignedInBrowserAsync(output);
        var page = await new ExperimentPage(owner, created.ExperimentId).OpenAsync();
        var claims = new SeedClaims(owner);
        await Expect(claims.Panel).ToBeVisibleAsync();
        await owner.ScreenshotAsync("claims-while-running");
        foreach (var run in created.RunIds) await api.WaitForFinishAsync(run, TimeSpan.FromMinutes(4));

        // Every run finished, so every claim has a verdict; which one is computed from the runs, so read it from the API.
        var verdicts = (await api.GetExperimentAsync(created.ExperimentId)).Body["claims"]!.AsArray()
            .Select(c => (c!["name"]!.GetValue<string>(), c["verdict"]!.GetValue<string>().Replace('_', '-'))).ToList();
        verdicts.Should().HaveCount(created.Body["experiment"]!["claim_definitions"]!.AsArray().Count);
        verdicts.Should().OnlyContain(v => v.Item2 != "not-yet", "all 18 runs have finished");
        await Expect(claims.Rows).ToHaveCountAsync(verdicts.Count);
        await Expect(claims.Row("mhc-gain-nonpositive").GetByTestId("claim-ours")).ToContainTextAsync(new Regex(@"tiny_12l: .*n = 2.*tiny_24l: .*tiny_48l: "));
        (await ReadWhenSettledAsync(claims, verdicts.Count)).Should().Equal(verdicts);
        await Expect(claims.Row("mhc-gain-nonpositive").GetByTestId("claim-run").First).ToHaveAttributeAsync("href", new Regex(@"^runs/\d+$"));

        // One median line per config over its IQR band (two seeds: a band with area), and the min–max band on request.
        await Expect(claims.Bands).ToHaveAttributeAsync("data-configs", "9");
        await Expect(claims.BandFills).Not.ToHaveCountAsync(0);
        var iqrOnly = await claims.BandFills.CountAsync();
        await claims.MinMaxToggle.CheckAsync();
        await Expect(claims.BandFills).Not.ToHaveCountAsync(iqrOnly);
        await Expect(claims.ParallelCoordinates).ToBeVisibleAsync();
        await claims.Panel.ScrollIntoViewIfNeededAsync();
        await owner.ScreenshotAsync("claims-done");
        await claims.BandChart.ScrollIntoViewIfNeededAsync();
        await owner.ScreenshotAsync("iqr-bands");
        await claims.ParallelCoordinates.ScrollIntoViewIfNeededAsync();
        await owner.ScreenshotAsync("parallel-coordinates");

        // The report downloads as Markdown with the same verdicts.
        var markdown = await api.Http.GetStringAsync($"/api/experiments/{created.ExperimentId}/report?format=md");
        markdown.Should().Contain("| claim | seed | ours | verdict |").And.Contain("## Ranking by loss");

        // The compare page draws the same runs aggregated by config (experiment and axis values without the seed).
        await owner.GotoAsync($"/compare/{string.Join(",", created.RunIds)}");
        await owner.Page.GetByTestId("chart-mode").SelectOptionAsync("config");
        await Expect(owner.Page.GetByTestId("seed-bands")).ToHaveAttributeAsync("data-configs", "9");
        await Expect(owner.Page.GetByTestId("compare-band-chart").Locator("path.js-fill")).Not.ToHaveCountAsync(0);
        await owner.Page.GetByTestId("compare-band-chart").ScrollIntoViewIfNeededAsync();
        await owner.ScreenshotAsync("compare-aggregate-by-config");

        await page.OpenAsync();
        var links = new ReviewLinks(owner);
        var url = await links.CreateAsync($"e2e claims {Guid.NewGuid():N}"[..20], expiryDays: 1);
        await links.CloseDialogAsync();
        await using var visitor = await owner.OpenFreshContextAsync("visitor");
        (await visitor.GotoAsync(url))!.Ok.Should().BeTrue();
        var visitorsClaims = new SeedClaims(visitor);
        await Expect(new ReviewLinks(visitor).Banner).ToBeVisibleAsync();
        await Expect(visitorsClaims.Rows).ToHaveCountAsync(verdicts.Count);
        (await ReadWhenSettledAsync(visitorsClaims, verdicts.Count)).Should().Equal(verdicts);
        await Expect(visitorsClaims.Bands).ToHaveAttributeAsync("data-configs", "9");
        await Expect(visitorsClaims.BandFills).Not.ToHaveCountAsync(0);
        await Expect(new ExperimentPage(visitor, created.ExperimentId).ActionControls).ToHaveCountAsync(0);
        await visitorsClaims.Panel.ScrollIntoViewIfNeededAsync();
        await visitor.ScreenshotAsync("review-link-claims");
    }

    /// <summary>The panel's verdicts once every row shows a final one (the page refreshes live as the last runs report).</summary>
    private static async Task<IReadOnlyList<(string, string)>> ReadWhenSettledAsync(SeedClaims claims, int count)
    {
        await Expect(claims.Panel.Locator("[data-verdict=\"not-yet\"]")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Expect(claims.Rows).ToHaveCountAsync(count);
        return await claims.ReadAsync();
    }
}
