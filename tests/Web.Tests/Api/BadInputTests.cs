using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.Web.Tests.Api;

/// <summary>Whatever a client sends, the answer is a 4xx problem that names the field, never a 500.</summary>
public sealed class BadInputTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private readonly HttpClient _http = app.CreateMemberClient();

    [Theory]
    [InlineData("not json", "body")]
    [InlineData("[1, 2]", "body")]
    [InlineData("{\"config\": {\"command\": \"true\"}}", "family")]
    [InlineData("{\"family\": \"nope\", \"config\": {}}", "family")]
    [InlineData("{\"family\": \"command\", \"config\": {}}", "config.command")]
    [InlineData("{\"family\": \"command\", \"config\": \"echo\"}", "config")]
    [InlineData("{\"family\": \"command\", \"config\": {\"command\": \"true\", \"total_steps\": \"many\"}}", "config.total_steps")]
    [InlineData("{\"family\": \"command\", \"config\": {\"command\": \"true\"}, \"sweep\": {\"axes\": {\"lr\": 3}}}", "sweep.axes.lr")]
    [InlineData("{\"family\": \"command\", \"config\": {\"command\": \"true\"}, \"sweep\": {\"seeds\": -1}}", "sweep.seeds")]
    [InlineData("{\"family\": \"command\", \"config\": {\"command\": \"true\"}, \"sweep\": {\"axes\": {\"a\": [1,2,3,4,5,6,7,8,9,10,11], \"b\": [1,2,3,4,5,6,7,8,9,10,11], \"c\": [1,2,3,4,5,6,7,8,9,10,11], \"d\": [1,2,3,4,5,6,7,8]}}}", "sweep")]
    [InlineData("{\"family\": \"command\", \"config\": {\"command\": \"true\"}, \"schedule\": \"someday\"}", "schedule")]
    [InlineData("{\"family\": \"command\", \"config\": {\"command\": \"true\"}, \"device\": \"tpu\"}", "device")]
    [InlineData("{\"family\": \"command\", \"config\": {\"command\": \"true\"}, \"priority\": 1e9}", "priority")]
    [InlineData("{\"family\": \"command\", \"config\": {\"command\": \"true\"}, \"tags\": [1]}", "tags[0]")]
    [InlineData("{\"family\": \"command\", \"config\": {\"command\": \"true\"}, \"colour\": \"red\"}", "colour")]
    [InlineData("{\"family\": \"command\", \"config\": {\"command\": \"true\", \"total_steps\": 1099511627776}}", "config.total_steps")]
    [InlineData("{\"family\": \"command\", \"config\": {\"command\": \"python3 train.py --lr {lr}\"}}", "config.command")]
    [InlineData("{\"family\": \"command\", \"config\": {\"command\": \"true\"}, \"sweep\": {\"axes\": {}}}", "sweep.axes")]
    public async Task A_bad_experiment_is_a_400_naming_the_field(string body, string field)
    {
        var response = await _http.PostAsync("/api/experiments", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        JsonNode.Parse(text)!["errors"]!.AsObject().Select(e => e.Key).Should().Contain(field, text);
    }

    [Fact]
    public async Task A_rejected_experiment_stores_nothing()
    {
        var before = JsonNode.Parse(await _http.GetStringAsync("/api/experiments"))!["total"]!.GetValue<int>();
        await _http.PostAsync("/api/experiments", new StringContent(
            "{\"family\": \"command\", \"config\": {\"command\": \"true\"}, \"sweep\": {\"axes\": {\"total_steps\": [10, -1]}}}",
            Encoding.UTF8, "application/json"));
        var after = JsonNode.Parse(await _http.GetStringAsync("/api/experiments"))!["total"]!.GetValue<int>();
        after.Should().Be(before);
    }

    [Theory]
    [InlineData("GET", "/api/runs/999999", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/runs/abc", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/experiments/999999", HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/runs/999999/cancel", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/runs/999999/metrics", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/runs/1/metrics/series", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/api/runs/1/metrics/series?key=loss&maxPoints=1", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/api/runs/1/metrics/export?format=xml", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/api/runs/1/artifacts/..%2F..%2Fetc%2Fpasswd", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/api/runs?state=exploded", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/api/experiments?sort=colour", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/api/experiments?page=abc", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/runs/1/rerun", HttpStatusCode.NotFound)]
    public async Task Bad_paths_and_queries_answer_4xx(string method, string path, HttpStatusCode expected)
    {
        var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        response.StatusCode.Should().Be(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Random_json_never_produces_a_500()
    {
        var random = new Random(42);
        string[] fragments = ["null", "1", "-1", "1e400", "\"x\"", "[]", "{}", "true", "[null]", "{\"a\":{}}", "\"\\u0000\"", "\"cuda:-5\""];
        string[] fields = ["family", "config", "sweep", "tags", "schedule", "device", "priority", "time_limit_seconds", "max_attempts", "name", "preset"];
        for (var i = 0; i < 200; i++)
        {
            var body = "{" + string.Join(",", fields.Where(_ => random.Next(2) == 0)
                .Select(f => $"\"{f}\": {(f == "family" && random.Next(2) == 0 ? "\"command\"" : fragments[random.Next(fragments.Length)])}")) + "}";
            var response = await _http.PostAsync("/api/experiments", new StringContent(body, Encoding.UTF8, "application/json"));
            ((int)response.StatusCode).Should().BeLessThan(500, body);
        }
    }
}
