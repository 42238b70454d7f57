using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dashboard.Infrastructure.Queue;
using Dashboard.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dashboard.Web.Tests.Api;

/// <summary>The REST side of the actions: PATCH and DELETE experiments, DELETE and re-run runs, sorting by runs.</summary>
public sealed class ActionApiTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private readonly HttpClient _http = app.CreateMemberClient();

    private TestWorker Worker => new(app.Services.GetRequiredService<NpgsqlDataSource>(), app.Services.GetRequiredService<RunQueue>());

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<(long Experiment, long[] Runs)> CreateAsync(int seeds = 1)
    {
        var response = await _http.PostAsync("/api/experiments", Json($$"""
            {"family": "command", "config": {"command": "true"}, "sweep": {"seeds": {{seeds}}}, "tags": ["api"]}
            """));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (body["experiment"]!["id"]!.GetValue<long>(), body["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()).ToArray());
    }

    private async Task<JsonNode> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return JsonNode.Parse(text)!;
    }

    [Theory]
    [InlineData("""{"tags": ["ok", 3]}""", "tags[1]")]
    [InlineData("""{"tags": "hc"}""", "tags")]
    [InlineData("""{"notes": ["x"]}""", "notes")]
    [InlineData("""{"name": "renamed"}""", "name")]
    [InlineData("""{}""", "body")]
    [InlineData("""not json""", "body")]
    public async Task A_bad_patch_is_a_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        var (id, _) = await CreateAsync();
        var problem = await ProblemAsync(await _http.PatchAsync($"/api/experiments/{id}", Json(body)), HttpStatusCode.BadRequest);
        problem["errors"]!.AsObject().Select(e => e.Key).Should().Contain(field);
        var stored = JsonNode.Parse(await _http.GetStringAsync($"/api/experiments/{id}"))!["experiment"]!;
        stored["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Equal("api");
    }

    [Fact]
    public async Task Patching_tags_and_notes_answers_the_stored_experiment()
    {
        var (id, _) = await CreateAsync();
        var response = await _http.PatchAsync($"/api/experiments/{id}", Json("""{"tags": ["depth", "hc"], "notes": "HC diverges"}"""));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        body["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Equal("depth", "hc");
        body["notes"]!.GetValue<string>().Should().Be("HC diverges");
        (await _http.PatchAsync("/api/experiments/999999", Json("""{"notes": ""}"""))).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_a_running_run_is_a_409_and_a_finished_one_goes()
    {
        await Worker.FinishAllAsync();
        var (experiment, runs) = await CreateAsync(seeds: 2);
        var worker = Worker;
        var running = await worker.ClaimAsync();

        var conflict = await ProblemAsync(await _http.DeleteAsync($"/api/runs/{running.RunId}"), HttpStatusCode.Conflict);
        conflict["detail"]!.GetValue<string>().Should().Contain("cancel it first");
        (await ProblemAsync(await _http.DeleteAsync($"/api/experiments/{experiment}"), HttpStatusCode.Conflict))["detail"]!
            .GetValue<string>().Should().Contain("running");

        await worker.FinishAsync(running);
        (await _http.DeleteAsync($"/api/runs/{running.RunId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _http.GetAsync($"/api/runs/{running.RunId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _http.DeleteAsync($"/api/runs/{running.RunId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _http.DeleteAsync($"/api/experiments/{experiment}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _http.GetAsync($"/api/runs/{runs[1]}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Rerunning_with_a_new_seed_answers_the_new_run_and_bad_options_are_400s()
    {
        var (_, runs) = await CreateAsync(seeds: 3);
        var response = await _http.PostAsync($"/api/runs/{runs[0]}/rerun", Json("""{"new_seed": true}"""));
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var run = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        (run["seed"]!.GetValue<long>(), run["index"]!.GetValue<int>(), run["state"]!.GetValue<string>()).Should().Be((3L, 3, "queued"));
        (await _http.PostAsync($"/api/runs/{runs[0]}/rerun", null)).StatusCode.Should().Be(HttpStatusCode.Created);

        foreach (var (body, field) in new[] { ("""{"seed": "x"}""", "seed"), ("""{"new_seed": 1}""", "new_seed"),
                     ("""{"seed": 1, "new_seed": true}""", "seed"), ("""{"colour": 1}""", "colour") })
            (await ProblemAsync(await _http.PostAsync($"/api/runs/{runs[0]}/rerun", Json(body)), HttpStatusCode.BadRequest))["errors"]!
                .AsObject().Select(e => e.Key).Should().Contain(field, body);
    }

    [Fact]
    public async Task Experiments_sort_by_their_number_of_runs()
    {
        var (small, _) = await CreateAsync(seeds: 1);
        var (large, _) = await CreateAsync(seeds: 5);
        var list = JsonNode.Parse(await _http.GetStringAsync("/api/experiments?sort=-runs&tag=api&pageSize=200"))!["items"]!.AsArray()
            .Select(e => e!["id"]!.GetValue<long>()).ToList();
        list.IndexOf(large).Should().BeLessThan(list.IndexOf(small));
        var ascending = JsonNode.Parse(await _http.GetStringAsync("/api/experiments?sort=runs&tag=api&pageSize=200"))!["items"]!.AsArray()
            .Select(e => e!["id"]!.GetValue<long>()).ToList();
        ascending.IndexOf(large).Should().BeGreaterThan(ascending.IndexOf(small));
    }
}
