using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dashboard.Infrastructure.Queue;
using Dashboard.Web.Tests.Api;
using Dashboard.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dashboard.Web.Tests.OpenApi;

/// <summary>
/// /openapi/v1.json says what the API does: how to authenticate, what each operation accepts, and every answer it
/// gives with its schema. (Every /api answer of every test of this project is also checked against it: <see cref="ContractCheck"/>.)
/// </summary>
public sealed class OpenApiDocumentTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private readonly HttpClient _http = app.CreateMemberClient();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject document) =>
        document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()
            .Where(o => o.Key is "get" or "head" or "post" or "put" or "patch" or "delete")
            .Select(o => (p.Key, o.Key, o.Value!.AsObject())));

    [Fact]
    public async Task Every_operation_states_its_security_its_answers_and_its_body()
    {
        var document = (await app.ApiContractAsync()).Document;
        document["openapi"]!.GetValue<string>().Should().StartWith("3.1");
        document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>().Should().Be("bearer");
        document["security"]!.AsArray().Select(s => s!.AsObject().Single().Key).Should().BeEquivalentTo("bearer", "session");

        var operations = Operations(document).ToList();
        operations.Should().HaveCountGreaterThan(20);
        foreach (var (path, method, operation) in operations)
        {
            var responses = operation["responses"]!.AsObject();
            var what = $"{method} {path}";
            responses.Select(r => r.Key).Should().Contain(["401", "403", "415", "503"], what);
            responses.Should().Contain(r => r.Key.StartsWith('2'), what);
            if (path.Contains('{')) responses.Select(r => r.Key).Should().Contain("404", what);
            if (operation["parameters"]?.AsArray().Any(p => p!["in"]!.GetValue<string>() == "query") == true)
                responses.Select(r => r.Key).Should().Contain("400", what);
            foreach (var (status, response) in responses.Where(r => r.Key is not ("204" or "416")))
                response!["content"].Should().NotBeNull($"{what} → {status} has a body");
            if (method == "get") document["paths"]![path]!["head"].Should().NotBeNull($"{what} also answers HEAD");
        }

        var create = document["paths"]!["/api/experiments"]!["post"]!;
        create["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>().Should().EndWith("/ExperimentSubmissionBody");
        create["responses"]!["201"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>().Should().EndWith("/CreatedExperimentDto");
        document["components"]!["schemas"]!["ExperimentSubmissionBody"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal("family");
        document["paths"]!["/api/experiments/{id}"]!["patch"]!["requestBody"].Should().NotBeNull();
        document["paths"]!["/api/runs/{id}/rerun"]!["post"]!["requestBody"]!["required"]?.GetValue<bool>().Should().NotBe(true, "a re-run needs no body");
        document["paths"]!["/api/runs/{id}/cancel"]!["post"]!["responses"]!.AsObject().Select(r => r.Key).Should().Contain(["202", "409"]);
        document["paths"]!["/api/runs/{id}/metrics/series"]!["get"]!["parameters"]!.AsArray()
            .Single(p => p!["name"]!.GetValue<string>() == "key")!["required"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task Every_kind_of_answer_a_client_meets_is_one_the_document_describes()
    {
        var checkedBefore = app.Contract.Checked;
        var created = await _http.PostAsync("/api/experiments", Json("""{"family": "command", "config": {"command": "true"}, "sweep": {"seeds": 2}}"""));
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var runs = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()).ToArray();

        (await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/runs/{runs[0]}"))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/runs/987654321"))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _http.GetAsync("/api/families")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _http.GetAsync("/api/workers?includeStopped=maybe")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _http.GetAsync($"/api/runs/{runs[0]}/metrics/series")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _http.PostAsync("/api/experiments", Json("""{"family": "nope"}"""))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _http.PostAsync($"/api/runs/{runs[0]}/rerun", Json("""{"seed": "x"}"""))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _http.PostAsync($"/api/runs/{runs[0]}/rerun", null)).StatusCode.Should().Be(HttpStatusCode.Created);
        (await app.CreateClient().GetAsync("/api/runs")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        // A run that already ended: cancelling it is refused with its state, not accepted.
        var worker = new TestWorker(app.Services.GetRequiredService<NpgsqlDataSource>(), app.Services.GetRequiredService<RunQueue>());
        var claimed = await worker.ClaimAsync();
        (await _http.DeleteAsync($"/api/runs/{claimed.Lease.RunId}")).StatusCode.Should().Be(HttpStatusCode.Conflict, "it is running");
        await worker.FinishAsync(claimed);
        var refused = await _http.PostAsync($"/api/runs/{claimed.Lease.RunId}/cancel", null);
        var problem = await refused.Content.ReadAsStringAsync();
        refused.StatusCode.Should().Be(HttpStatusCode.Conflict, problem);
        JsonNode.Parse(problem)!["state"]!.GetValue<string>().Should().Be("succeeded");
        (await _http.DeleteAsync($"/api/runs/{claimed.Lease.RunId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        app.Contract.Checked.Should().BeGreaterThanOrEqualTo(checkedBefore + 13);
        app.Contract.Violations.Should().BeEmpty();
    }

    [Fact]
    public async Task The_check_refuses_answers_the_document_does_not_describe()
    {
        var contract = await app.ApiContractAsync();
        contract.Check("/api/runs/{id}", "GET", 200, "application/json", """{"id": 1}""").Should().Contain("does not match");
        contract.Check("/api/runs/{id}", "GET", 418, "application/json", "{}").Should().Contain("not documented");
        contract.Check("/api/runs/{id}", "GET", 404, "text/html", "<html/>").Should().Contain("text/html");
        contract.Check("/api/runs/{id}/metrics/series", "GET", 200, "application/json",
            """{"run_id": 1, "key": "loss", "raw_count": 2, "downsampled": false, "points": [{"step": 0, "value": "NaN", "wall_time": "2026-12-06T20:00:00Z"}, {"step": 1, "value": 0.5, "wall_time": "2026-12-06T20:00:01Z"}]}""")
            .Should().BeNull("NaN is written as a string the document allows");
        contract.Check("/api/runs/{id}/metrics/series", "GET", 200, "application/json",
            """{"run_id": 1, "key": "loss", "raw_count": 1, "downsampled": false, "points": [{"step": 0, "value": "nan", "wall_time": "2026-12-06T20:00:00Z"}]}""")
            .Should().Contain("does not match");
    }
}
