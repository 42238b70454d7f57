using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dashboard.Domain.Metrics;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Metrics;

namespace Dashboard.Web.Tests.Api;

public sealed class ExperimentApiTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private readonly HttpClient _http = app.CreateMemberClient();

    private async Task<JsonNode> PostExperimentAsync(string json)
    {
        var response = await _http.PostAsync("/api/experiments", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!;
    }

    [Fact]
    public async Task Posting_a_sweep_returns_the_experiment_and_one_run_per_point_and_seed()
    {
        var created = await PostExperimentAsync("""
            {"name": "lr sweep", "family": "command", "config": {"command": "echo {lr}", "lr": 0.1},
             "sweep": {"axes": {"lr": [0.1, 0.01]}, "seeds": 3}, "tags": ["baseline"]}
            """);
        created["experiment"]!["name"]!.GetValue<string>().Should().Be("lr sweep");
        var runs = created["runs"]!.AsArray();
        runs.Should().HaveCount(6);
        runs.Select(r => r!["config"]!["lr"]!.GetValue<double>()).Should().Equal(0.1, 0.1, 0.1, 0.01, 0.01, 0.01);
        runs.Select(r => r!["seed"]!.GetValue<long>()).Should().Equal(0, 1, 2, 0, 1, 2);
        runs.Should().OnlyContain(r => r!["state"]!.GetValue<string>() == "queued");

        var id = created["experiment"]!["id"]!.GetValue<long>();
        var fetched = JsonNode.Parse(await _http.GetStringAsync($"/api/experiments/{id}"))!;
        fetched["runs"]!.AsArray().Should().HaveCount(6);
        var list = JsonNode.Parse(await _http.GetStringAsync("/api/experiments?tag=baseline&search=lr"))!;
        list["items"]!.AsArray().Select(e => e!["id"]!.GetValue<long>()).Should().Contain(id);
    }

    [Fact]
    public async Task Scheduling_for_tonight_makes_scheduled_runs()
    {
        var created = await PostExperimentAsync("""{"family": "command", "config": {"command": "true"}, "schedule": "tonight"}""");
        created["runs"]![0]!["state"]!.GetValue<string>().Should().Be("scheduled");
        created["runs"]![0]!["not_before"]!.GetValue<DateTimeOffset>().Should().BeAfter(DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Metrics_written_for_a_run_come_back_downsampled_and_exported()
    {
        var created = await PostExperimentAsync("""{"family": "command", "config": {"command": "true"}}""");
        var runId = created["runs"]![0]!["id"]!.GetValue<long>();
        await using (var dataSource = DatabaseConnection.Create(app.ConnectionString))
            await new MetricWriter(dataSource).WriteAsync(Enumerable.Range(0, 5000)
                .Select(s => new MetricPoint(runId, "loss", s, 1.0 / (s + 1), DateTimeOffset.UtcNow)).ToList());

        var keys = JsonNode.Parse(await _http.GetStringAsync($"/api/runs/{runId}/metrics"))!.AsArray();
        keys.Single()!["key"]!.GetValue<string>().Should().Be("loss");
        keys.Single()!["count"]!.GetValue<long>().Should().Be(5000);

        var series = JsonNode.Parse(await _http.GetStringAsync($"/api/runs/{runId}/metrics/series?key=loss&maxPoints=200"))!;
        series["downsampled"]!.GetValue<bool>().Should().BeTrue();
        series["points"]!.AsArray().Count.Should().BeLessThanOrEqualTo(200);

        var csv = await _http.GetStringAsync($"/api/runs/{runId}/metrics/export?format=csv");
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(5001);
    }

    [Fact]
    public async Task Cancelling_a_queued_run_through_the_api_ends_it()
    {
        var created = await PostExperimentAsync("""{"family": "command", "config": {"command": "true"}}""");
        var runId = created["runs"]![0]!["id"]!.GetValue<long>();
        var response = await _http.PostAsync($"/api/runs/{runId}/cancel", null);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var run = JsonNode.Parse(await _http.GetStringAsync($"/api/runs/{runId}"))!;
        run["state"]!.GetValue<string>().Should().Be("cancelled");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        var doc = JsonNode.Parse(await _http.GetStringAsync("/openapi/v1.json"))!;
        var paths = doc["paths"]!.AsObject().Select(p => p.Key).ToList();
        paths.Should().Contain(["/api/experiments", "/api/runs/{id}", "/api/runs/{id}/metrics/series", "/api/workers"]);
    }

    [Fact]
    public async Task Workers_list_is_served()
    {
        var response = await _http.GetFromJsonAsync<JsonArray>("/api/workers");
        response.Should().NotBeNull();
    }
}
