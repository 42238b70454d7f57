using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dashboard.Domain.Metrics;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Metrics;

namespace Dashboard.Web.Tests.Api;

/// <summary>Claims declared in a command experiment's request, checked as its runs finish; the report downloads.</summary>
public sealed class ClaimsApiTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private readonly HttpClient _http = app.CreateMemberClient();

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string json)
    {
        var response = await _http.PostAsync("/api/experiments", new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_command_experiments_claims_come_back_with_verdicts_as_its_runs_finish()
    {
        var (status, created) = await PostAsync("""
            {"name": "claims", "family": "command", "config": {"command": "true", "lr": 0.1},
             "sweep": {"axes": {"lr": [0.1, 0.01]}, "seeds": 2},
             "claims": [
               {"name": "small-lr-wins", "statement": "lr 0.01 ends with the lower loss", "seed": "0.2 vs 0.5", "metric": "loss",
                "per": "lr", "test": "first: 0.01"},
               {"name": "bounded", "statement": "every run stays bounded", "metric": "loss", "aggregate": "count:bounded", "test": "all"}]}
            """);
        status.Should().Be(HttpStatusCode.Created);
        var id = created!["experiment"]!["id"]!.GetValue<long>();
        created["experiment"]!["claim_definitions"]!.AsArray().Should().HaveCount(2);
        var runs = created["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()).ToArray();

        var waiting = JsonNode.Parse(await _http.GetStringAsync($"/api/experiments/{id}"))!["claims"]!.AsArray();
        waiting.Select(c => c!["verdict"]!.GetValue<string>()).Should().Equal("not_yet", "not_yet");
        waiting[1]!["runs_unfinished"]!.GetValue<int>().Should().Be(4);
        waiting[1]!["runs_needed"]!.GetValue<int>().Should().Be(1);

        // lr 0.1: losses 0.5 and 0.6; lr 0.01: 0.2 and a diverged seed (NaN), which counts as failing, not dropped.
        await using (var dataSource = DatabaseConnection.Create(app.ConnectionString))
        {
            var now = DateTimeOffset.UtcNow;
            await new MetricWriter(dataSource).WriteAsync(
            [
                new(runs[0], "loss", 0, 0.5, now), new(runs[1], "loss", 0, 0.6, now),
                new(runs[2], "loss", 0, 0.2, now), new(runs[3], "loss", 0, double.NaN, now),
            ]);
            await using var finish = dataSource.CreateCommand(
                "UPDATE runs SET state = CASE WHEN id = $2 THEN 'diverged' ELSE 'succeeded' END WHERE id = ANY($1)");
            finish.Parameters.AddWithValue(runs);
            finish.Parameters.AddWithValue(runs[3]);
            await finish.ExecuteNonQueryAsync();
        }

        var claims = JsonNode.Parse(await _http.GetStringAsync($"/api/experiments/{id}"))!["claims"]!.AsArray();
        var wins = claims[0]!;
        wins["verdict"]!.GetValue<string>().Should().Be("does_not_hold");
        wins["reason"]!.GetValue<string>().Should().StartWith("first by final loss: 0.1");
        wins["groups"]!.AsArray().Select(g => g!["per_value"]!.GetValue<string>()).Should().Equal("0.01", "0.1");
        wins["groups"]![0]!["non_finite"]!.GetValue<int>().Should().Be(1);
        wins["deciding_run_ids"]!.AsArray().Select(r => r!.GetValue<long>()).Should().BeEquivalentTo(runs);
        var bounded = claims[1]!;
        bounded["verdict"]!.GetValue<string>().Should().Be("does_not_hold");
        bounded["ours"]!.GetValue<string>().Should().Be("3 of 4 bounded");

        var markdown = await _http.GetStringAsync($"/api/experiments/{id}/report?format=md");
        markdown.Should().Contain("| lr 0.01 ends with the lower loss | 0.2 vs 0.5 |").And.Contain("**does not hold**")
            .And.Contain("## Ranking by loss");
        var csv = (await _http.GetStringAsync($"/api/experiments/{id}/report?format=csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        csv[0].Should().Be("table,name,statement,seed,ours,value,low,high,runs,verdict,reason,runs_needed,run_ids");
        csv.Count(l => l.StartsWith("claim,", StringComparison.Ordinal)).Should().Be(2);
        csv.Count(l => l.StartsWith("ranking,", StringComparison.Ordinal)).Should().Be(2);
        (await _http.GetAsync($"/api/experiments/{id}/report?format=pdf")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Bad_claims_are_refused_naming_the_field_and_nothing_is_queued()
    {
        var (status, body) = await PostAsync("""
            {"family": "command", "config": {"command": "true"}, "claims": [{"name": "a", "statement": "s", "metric": "loss", "test": "roughly 3"}]}
            """);
        status.Should().Be(HttpStatusCode.BadRequest);
        body!["errors"]!.AsObject().Select(p => p.Key).Should().Contain("claims[0].test");
    }

    [Fact]
    public async Task A_seed_preset_brings_its_claims_and_the_request_can_replace_them()
    {
        var (status, created) = await PostAsync("""
            {"family": "residual-streams", "preset": "depth-sweep", "config": {"width": 8, "steps": 2}}
            """);
        status.Should().Be(HttpStatusCode.Created);
        created!["experiment"]!["claim_definitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>())
            .Should().Contain(["mhc-gain-nonpositive", "hc-gain-grows", "hc-diverges-48"]);
        var (_, own) = await PostAsync("""
            {"family": "residual-streams", "preset": "depth-sweep", "config": {"width": 8, "steps": 2}, "claims": []}
            """);
        own!["experiment"]!["claim_definitions"].Should().BeNull();
    }
}
