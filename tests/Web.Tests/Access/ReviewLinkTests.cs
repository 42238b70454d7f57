using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dashboard.Domain.Access;
using Dashboard.Infrastructure.Access;
using Dashboard.Infrastructure.Database;
using Dashboard.Web.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Access;

/// <summary>A review link opens its target read-only, covers nothing else, and stops at once when revoked or expired.</summary>
public sealed class ReviewLinkTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private const string InvalidText = "This review link is not valid (expired or revoked).";
    private ReviewLinkStore Links => app.Services.GetRequiredService<ReviewLinkStore>();

    private async Task<(long Experiment, long[] Runs)> ExperimentAsync(int runs)
    {
        var response = await app.CreateMemberClient().PostAsync("/api/experiments", new StringContent(
            "{\"family\": \"command\", \"config\": {\"command\": \"true\"}, \"sweep\": {\"seeds\": " + runs + "}}", Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (body["experiment"]!["id"]!.GetValue<long>(), body["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()).ToArray());
    }

    private async Task<string> LinkAsync(ReviewTargetKind kind, string target, DateTimeOffset? expires = null, string label = "for review")
    {
        var admin = await app.Services.GetRequiredService<UserStore>().FindByNameAsync(DashboardApp.AdminUserName);
        return (await Links.CreateAsync(ReviewTarget.Parse(kind, target), label, expires, admin!.Id)).Secret;
    }

    private static async Task<HttpStatusCode> StatusAsync(Visitor visitor, string method, string path) =>
        (await visitor.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode;

    [Fact]
    public async Task A_run_link_opens_that_run_and_nothing_else_and_never_acts()
    {
        var (experiment, runs) = await ExperimentAsync(2);
        var visitor = new Visitor(app);
        var opened = await visitor.OpenReviewLinkAsync(await LinkAsync(ReviewTargetKind.Run, $"{runs[0]}"));
        opened.StatusCode.Should().Be(HttpStatusCode.Redirect);
        opened.Headers.Location!.PathAndQuery().Should().Be($"/runs/{runs[0]}");

        (await StatusAsync(visitor, "GET", $"/api/runs/{runs[0]}")).Should().Be(HttpStatusCode.OK);
        (await StatusAsync(visitor, "GET", $"/api/runs/{runs[0]}/metrics")).Should().Be(HttpStatusCode.OK);
        (await StatusAsync(visitor, "GET", $"/api/runs/{runs[0]}/artifacts")).Should().Be(HttpStatusCode.OK);
        (await StatusAsync(visitor, "GET", $"/api/runs/{runs[1]}")).Should().Be(HttpStatusCode.Forbidden);
        (await StatusAsync(visitor, "GET", $"/api/experiments/{experiment}")).Should().Be(HttpStatusCode.Forbidden);
        (await StatusAsync(visitor, "GET", "/api/experiments")).Should().Be(HttpStatusCode.Forbidden);
        (await StatusAsync(visitor, "POST", $"/api/runs/{runs[0]}/cancel")).Should().Be(HttpStatusCode.Forbidden);
        (await StatusAsync(visitor, "POST", $"/api/runs/{runs[0]}/rerun")).Should().Be(HttpStatusCode.Forbidden);
        (await StatusAsync(visitor, "DELETE", $"/api/experiments/{experiment}")).Should().Be(HttpStatusCode.Forbidden);

        var refused = await visitor.Http.PostAsync($"/api/runs/{runs[0]}/cancel", null);
        JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().Should().Contain("read-only");
        var run = JsonNode.Parse(await app.CreateMemberClient().GetStringAsync($"/api/runs/{runs[0]}"))!;
        run["state"]!.GetValue<string>().Should().Be("queued");

        foreach (var page in new[] { "/", "/links", "/account" })
        {
            var response = await visitor.Http.GetAsync(page);
            response.StatusCode.Should().Be(HttpStatusCode.Redirect, page);
            response.Headers.Location!.PathAndQuery().Should().StartWith("/access-denied", page);
        }
        var denied = await visitor.Http.GetAsync("/access-denied");
        denied.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await denied.Content.ReadAsStringAsync()).Should().Contain($"shows only run {runs[0]}").And.Contain("data-testid=\"review-banner\"");
    }

    [Fact]
    public async Task An_experiment_link_covers_the_experiment_and_its_runs_only()
    {
        var (experiment, runs) = await ExperimentAsync(2);
        var (other, otherRuns) = await ExperimentAsync(1);
        var visitor = new Visitor(app);
        var opened = await visitor.OpenReviewLinkAsync(await LinkAsync(ReviewTargetKind.Experiment, $"{experiment}"));
        opened.Headers.Location!.PathAndQuery().Should().Be($"/experiments/{experiment}");
        (await StatusAsync(visitor, "GET", $"/api/experiments/{experiment}")).Should().Be(HttpStatusCode.OK);
        (await StatusAsync(visitor, "GET", $"/api/runs/{runs[1]}/metrics")).Should().Be(HttpStatusCode.OK);
        (await StatusAsync(visitor, "GET", $"/api/experiments/{other}")).Should().Be(HttpStatusCode.Forbidden);
        (await StatusAsync(visitor, "GET", $"/api/runs/{otherRuns[0]}")).Should().Be(HttpStatusCode.Forbidden);
        (await StatusAsync(visitor, "POST", $"/api/experiments/{experiment}/cancel")).Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_comparison_link_covers_exactly_its_runs()
    {
        var (_, runs) = await ExperimentAsync(3);
        var visitor = new Visitor(app);
        var opened = await visitor.OpenReviewLinkAsync(await LinkAsync(ReviewTargetKind.Comparison, $"{runs[0]},{runs[2]}"));
        opened.Headers.Location!.PathAndQuery().Should().Be($"/compare/{runs[0]},{runs[2]}");
        (await StatusAsync(visitor, "GET", $"/api/runs/{runs[2]}")).Should().Be(HttpStatusCode.OK);
        (await StatusAsync(visitor, "GET", $"/api/runs/{runs[1]}")).Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Revoking_a_link_stops_it_opening_and_ends_a_session_opened_before()
    {
        var (_, runs) = await ExperimentAsync(1);
        var secret = await LinkAsync(ReviewTargetKind.Run, $"{runs[0]}");
        var visitor = new Visitor(app);
        (await visitor.OpenReviewLinkAsync(secret)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await StatusAsync(visitor, "GET", $"/api/runs/{runs[0]}")).Should().Be(HttpStatusCode.OK);

        var link = (await Links.ListAsync()).Single(l => l.Link.Target == $"{runs[0]}").Link;
        (await Links.RevokeAsync(link.Id)).Should().BeTrue();

        (await StatusAsync(visitor, "GET", $"/api/runs/{runs[0]}")).Should().Be(HttpStatusCode.Unauthorized);
        var again = await new Visitor(app).OpenReviewLinkAsync(secret);
        again.StatusCode.Should().Be(HttpStatusCode.Gone);
        (await again.Content.ReadAsStringAsync()).Should().Contain(InvalidText);
        var cookies = again.Headers.TryGetValues("Set-Cookie", out var set) ? set : [];
        cookies.Should().NotContain(c => c.StartsWith("dashboard_session=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_expired_link_no_longer_opens_and_its_sessions_end()
    {
        var (_, runs) = await ExperimentAsync(1);
        var secret = await LinkAsync(ReviewTargetKind.Run, $"{runs[0]}", DateTimeOffset.UtcNow.AddDays(1));
        var visitor = new Visitor(app);
        (await visitor.OpenReviewLinkAsync(secret)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        await using (var db = DatabaseConnection.Create(app.ConnectionString))
        await using (var expire = db.CreateCommand("UPDATE review_links SET expires_at = now() - interval '1 second' WHERE token_hash = $1"))
        {
            expire.Parameters.AddWithValue(SecretToken.Hash(secret));
            (await expire.ExecuteNonQueryAsync()).Should().Be(1);
        }
        (await StatusAsync(visitor, "GET", $"/api/runs/{runs[0]}")).Should().Be(HttpStatusCode.Unauthorized);
        var again = await new Visitor(app).OpenReviewLinkAsync(secret);
        again.StatusCode.Should().Be(HttpStatusCode.Gone);
        (await again.Content.ReadAsStringAsync()).Should().Contain(InvalidText);
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task An_unknown_link_gets_the_same_page_as_a_revoked_one(string secret)
    {
        var response = await new Visitor(app).OpenReviewLinkAsync(secret);
        response.StatusCode.Should().Be(HttpStatusCode.Gone);
        (await response.Content.ReadAsStringAsync()).Should().Contain(InvalidText);
    }

    [Fact]
    public async Task Opening_counts_and_only_the_hash_is_stored()
    {
        var (_, runs) = await ExperimentAsync(1);
        var secret = await LinkAsync(ReviewTargetKind.Run, $"{runs[0]}", label: "counted");
        secret.Should().HaveLength(SecretToken.EncodedLength).And.MatchRegex("^[A-Za-z0-9_-]+$");
        System.Buffers.Text.Base64Url.DecodeFromChars(secret).Should().HaveCount(32);
        await new Visitor(app).OpenReviewLinkAsync(secret);
        await new Visitor(app).OpenReviewLinkAsync(secret);

        var link = (await Links.ListAsync()).Single(l => l.Link.Label == "counted");
        link.Link.OpenCount.Should().Be(2);
        link.Link.LastOpenedAt.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        link.Link.TokenHash.Should().Equal(SecretToken.Hash(secret));
        link.MadeBy.Should().NotBeEmpty();
        await using var db = DatabaseConnection.Create(app.ConnectionString);
        await using var command = db.CreateCommand("SELECT count(*) FROM review_links WHERE position(convert_to($1, 'UTF8') in token_hash) > 0 OR label LIKE '%' || $1 || '%'");
        command.Parameters.AddWithValue(secret);
        ((long)(await command.ExecuteScalarAsync())!).Should().Be(0);
    }

    [Fact]
    public async Task A_member_who_opens_a_link_keeps_their_own_session()
    {
        var (_, runs) = await ExperimentAsync(2);
        var visitor = new Visitor(app);
        await visitor.SignInOrFailAsync(DashboardApp.AdminUserName, DashboardApp.AdminPassword);
        (await visitor.OpenReviewLinkAsync(await LinkAsync(ReviewTargetKind.Run, $"{runs[0]}"))).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await StatusAsync(visitor, "GET", $"/api/runs/{runs[1]}")).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Links_are_made_only_for_what_exists()
    {
        var act = () => LinkAsync(ReviewTargetKind.Run, "987654");
        (await act.Should().ThrowAsync<Dashboard.Domain.InvalidInputException>()).Which.Message.Should().Contain("run 987654 does not exist");
        var past = () => LinkAsync(ReviewTargetKind.Run, "1", DateTimeOffset.UtcNow.AddMinutes(-1));
        await past.Should().ThrowAsync<Dashboard.Domain.InvalidInputException>();
    }
}
