using System.Security.Claims;
using System.Text.Json.Nodes;
using Dashboard.Domain.Claims;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Families;
using Dashboard.Domain.Runs;
using Dashboard.Web.Components.Claims;
using Dashboard.Web.Tests.Support;

namespace Dashboard.Web.Tests.Components;

public sealed class SeedClaimsPanelTests
{
    /// <summary>Seed 002's claims on a depth sweep with one seed per config: HC stays finite at 48 layers, mHC at 48 still running.</summary>
    private static IReadOnlyList<ClaimVerdict> Verdicts()
    {
        long id = 10;
        RunResult Run(string variant, int depth, double loss, double gain, RunState state = RunState.Succeeded) =>
            new(id++, new JsonObject { ["config"] = $"tiny_{depth}l", ["variant"] = variant }, 0, state,
                new Dictionary<string, double> { ["loss"] = loss, ["gain_proxy"] = gain })
            { MaxMetrics = new Dictionary<string, double> { ["nan_inf_events"] = 0 } };
        RunResult[] runs =
        [
            Run("baseline", 12, 0.008, 0), Run("hc", 12, 0.007, 1.07), Run("mhc", 12, 0.0066, -0.602),
            Run("baseline", 24, 0.009, 0), Run("hc", 24, 0.0074, 1.59), Run("mhc", 24, 0.0068, -0.602),
            Run("baseline", 48, 0.010, 0), Run("hc", 48, 0.0081, 2.3), Run("mhc", 48, double.NaN, double.NaN, RunState.Running),
        ];
        return ClaimEvaluation.Evaluate(ResidualStreamsSeedClaims.DepthSweep, runs, new ResidualStreamsFamily().Divergence);
    }

    private static Task<string> Render(ClaimsPrincipal? user = null) => Markup.RenderAsync<SeedClaimsPanel>(new Dictionary<string, object?>
    {
        [nameof(SeedClaimsPanel.Verdicts)] = Verdicts(),
        [nameof(SeedClaimsPanel.ExperimentId)] = 7L,
    }, user: user);

    [Fact]
    public async Task The_panel_shows_each_claim_with_the_seeds_figure_ours_a_verdict_and_the_runs_that_decided_it()
    {
        var html = await Render();
        html.Should().Contain("data-claim=\"hc-gain-grows\" data-verdict=\"holds\"");
        html.Should().Contain("data-claim=\"hc-diverges-48\" data-verdict=\"does-not-hold\"");
        html.Should().Contain("data-claim=\"mhc-gain-flat\" data-verdict=\"not-yet\"");
        html.Should().Contain("6.3 at 12 layers → 13.3 at 24 layers").And.Contain("tiny_12l: 1.07 (IQR 1.07 … 1.07, n = 1); tiny_24l: 1.59 (IQR 1.59 … 1.59, n = 1)");
        html.Should().Contain("0 of 1 diverged").And.Contain("config=tiny_48l: 0 of 1 diverged is not every run");
        // Deciding runs link to their pages: HC at 48 is run #17.
        html.Should().Contain("<a href=\"runs/17\" data-testid=\"claim-run\">#17</a>");
        html.Should().Contain("1 run unfinished");
        html.Should().Contain("href=\"api/experiments/7/report?format=md\"").And.Contain("href=\"api/experiments/7/report?format=csv\"");
        html.Should().Contain("hold · ").And.Contain("not yet · verdicts computed from the runs");
    }

    [Fact]
    public async Task A_review_link_visitor_sees_the_same_read_only_panel()
    {
        var visitor = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(Dashboard.Web.Access.AccessClaims.Session, Dashboard.Web.Access.AccessClaims.LinkSession)], "review"));
        var member = await Render();
        (await Render(visitor)).Should().Be(member);
        member.Should().NotContain("<button").And.NotContain("<form");
    }
}
