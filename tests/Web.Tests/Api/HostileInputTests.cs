using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.Web.Tests.Api;

/// <summary>
/// Input that once made a 500 (or worse: a sweep count that wrapped to 0 and grew the process without bound):
/// each is a 400 naming the field, and what was stored before is still there, unchanged.
/// </summary>
public sealed class HostileInputTests(DashboardApp app) : IClassFixture<DashboardApp>, IAsyncLifetime
{
    private readonly HttpClient _http = app.CreateMemberClient();
    private string _before = "";
    private long _keptId;

    public async Task InitializeAsync()
    {
        var kept = await PostAsync("/api/experiments",
            """{"name": "kept", "family": "command", "config": {"command": "true"}, "tags": ["t"], "notes": "n"}""");
        kept.StatusCode.Should().Be(HttpStatusCode.Created);
        _keptId = JsonNode.Parse(await kept.Content.ReadAsStringAsync())!["experiment"]!["id"]!.GetValue<long>();
        _before = await _http.GetStringAsync($"/api/experiments/{_keptId}");
    }

    public async Task DisposeAsync() => (await _http.GetStringAsync($"/api/experiments/{_keptId}")).Should().Be(_before);

    public static TheoryData<string, string> Bodies() => new()
    {
        { """{"family": "command", "config": {"command": "true"}, "name": "a\u0000b"}""", "name" },
        { """{"family": "command", "config": {"command": "true"}, "notes": "\u0000"}""", "notes" },
        { """{"family": "command", "config": {"command": "true"}, "tags": ["ok", "x\u0000"]}""", "tags[1]" },
        { """{"family": "command", "config": {"command": "true"}, "owner": "\u0000root"}""", "owner" },
        { """{"family": "command", "config": {"command": "echo \u0000"}}""", "config.command" },
        { """{"family": "command", "config": {"command": "true", "x\u0000y": 1}}""", "config" },
        { """{"family": "command", "config": {"command": "true", "env": {"A\u0000": "1"}}}""", "config.env" },
        { """{"family": "command", "config": {"command": "true", "env": {"A": "\u0000"}}}""", "config.env.A" },
        { """{"family": "command", "config": {"command": "true"}, "name": "\ud800"}""", "name" },
        { """{"family": "command", "config": {"command": "true"}, "notes": "ok \udc00 then"}""", "notes" },
        { """{"family": "command", "config": {"command": "true", "env": {"\udbff": "1"}}}""", "config.env" },
        { """{"family": "command", "config": {"command": "true"}, "schedule": "now", "not_before": 5}""", "not_before" },
        { """{"family": "command", "config": {"command": "true"}, "schedule": "tonight", "not_before": "2030-01-01T00:00:00Z"}""", "not_before" },
        { """{"family": "command", "config": {"command": "true"}, "schedule": "now", "schedule": 5}""", "body" },
        { """{"family": "command", "config": {"command": "true", "command": "false"}}""", "config" },
        { Axes(64, "[0, 1]"), "sweep" },
        { Axes(59, "[0, 1, 2]"), "sweep" },
        { Axes(63, "[0, 1]"), "sweep" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_hostile_experiment_is_a_400_naming_the_field(string body, string field)
    {
        var before = await CountAsync();
        await ExpectFieldAsync(await PostAsync("/api/experiments", body), field);
        (await CountAsync()).Should().Be(before);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF }, "name")]
    [InlineData(new byte[] { 0xC3, 0x28 }, "name")]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "name")] // a surrogate encoded as UTF-8: not UTF-8
    [InlineData(new byte[] { 0xF8, 0x88, 0x80, 0x80, 0x80 }, "name")]
    public async Task Raw_bytes_that_are_not_utf8_inside_a_json_string_are_a_400(byte[] bytes, string field)
    {
        var body = Encoding.UTF8.GetBytes("""{"family": "command", "config": {"command": "true"}, "name": "a""")
            .Concat(bytes).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        var response = await _http.PostAsync("/api/experiments", content);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, text);
        // The parser may refuse the whole body before it knows the field; either way it names where.
        JsonNode.Parse(text)!["errors"]!.AsObject().Select(e => e.Key).Should().IntersectWith([field, "body"], text);
    }

    [Theory]
    [InlineData("/api/experiments?search=%00", "search")]
    [InlineData("/api/experiments?tag=a%00", "tag")]
    [InlineData("/api/experiments?owner=%00", "owner")]
    [InlineData("/api/experiments?family=%00command", "family")]
    [InlineData("/api/runs?state=%00", "state")]
    [InlineData("/api/runs/1/metrics/series?key=loss%00", "key")]
    [InlineData("/api/experiments?page=2147483647", "page")]
    [InlineData("/api/experiments?page=10737419&pageSize=200", "page")]
    [InlineData("/experiments?search=%00", "search")]
    public async Task A_hostile_query_is_a_400_naming_the_parameter(string path, string field) =>
        await ExpectFieldAsync(await _http.GetAsync(path), field);

    [Fact]
    public async Task A_large_but_possible_page_is_an_empty_page()
    {
        foreach (var path in new[] { "/api/experiments?page=1000000", "/api/experiments?page=2147483647&pageSize=1" })
        {
            var response = await _http.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            JsonNode.Parse(await response.Content.ReadAsStringAsync())!["items"]!.AsArray().Should().BeEmpty();
        }
    }

    [Fact]
    public async Task A_rerun_with_the_largest_seed_works_and_a_new_seed_after_it_is_a_400_naming_new_seed()
    {
        var runId = JsonNode.Parse(await _http.GetStringAsync($"/api/experiments/{_keptId}"))!["runs"]![0]!["id"]!.GetValue<long>();
        var largest = await PostAsync($"/api/runs/{runId}/rerun", $$"""{"seed": {{long.MaxValue}}}""");
        largest.StatusCode.Should().Be(HttpStatusCode.Created, await largest.Content.ReadAsStringAsync());
        var newRun = JsonNode.Parse(await largest.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();
        var runs = await RunCountAsync();
        await ExpectFieldAsync(await PostAsync($"/api/runs/{runId}/rerun", """{"new_seed": true}"""), "new_seed");
        await ExpectFieldAsync(await PostAsync($"/api/runs/{runId}/rerun", """{"seed": 9223372036854775808}"""), "seed");
        (await RunCountAsync()).Should().Be(runs);
        (await _http.DeleteAsync($"/api/runs/{newRun}")).StatusCode.Should().Be(HttpStatusCode.NoContent); // the kept experiment as it was
    }

    [Fact]
    public async Task An_edit_with_nul_or_a_lone_surrogate_changes_nothing()
    {
        var edit = new HttpRequestMessage(HttpMethod.Patch, $"/api/experiments/{_keptId}")
        {
            Content = new StringContent("""{"notes": "x\u0000", "tags": ["\ud800"]}""", Encoding.UTF8, "application/json"),
        };
        var response = await _http.SendAsync(edit);
        await ExpectFieldAsync(response, "notes");
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject().Select(e => e.Key).Should().Contain("tags[0]");
    }

    private static string Axes(int count, string values) =>
        """{"family": "command", "config": {"command": "true"}, "sweep": {"axes": {""" +
        string.Join(", ", Enumerable.Range(0, count).Select(i => $"\"a{i}\": {values}")) + "}}}";

    private Task<HttpResponseMessage> PostAsync(string path, string body) =>
        _http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task ExpectFieldAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        JsonNode.Parse(text)!["errors"]!.AsObject().Select(e => e.Key).Should().Contain(field, text);
    }

    private async Task<int> CountAsync() =>
        JsonNode.Parse(await _http.GetStringAsync("/api/experiments"))!["total"]!.GetValue<int>();

    private async Task<int> RunCountAsync() =>
        JsonNode.Parse(await _http.GetStringAsync("/api/runs?limit=1000"))!.AsArray().Count;
}
