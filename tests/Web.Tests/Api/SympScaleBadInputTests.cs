using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.Web.Tests.Api;

/// <summary>Seed 003's bad configs, queued through the API: a 400 problem naming the field, nothing stored.</summary>
public sealed class SympScaleBadInputTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private readonly HttpClient _http = app.CreateMemberClient();

    [Theory]
    [InlineData("""{"system": "fput-beta", "dim": 15}""", "config.dim")]
    [InlineData("""{"system": "three-body"}""", "config.system")]
    [InlineData("""{"bptt_window": "256", "rollout": 100}""", "config.bptt_window")]
    [InlineData("""{"tau": 0}""", "config.tau")]
    [InlineData("""{"precision": "float32"}""", "config.precision")]
    [InlineData("""{"width": 30}""", "config.width")]
    public async Task A_bad_sympscale_config_is_a_400_naming_the_field(string config, string field)
    {
        var before = JsonNode.Parse(await _http.GetStringAsync("/api/experiments"))!["total"]!.GetValue<int>();
        var body = $$"""{"family": "sympscale", "config": {{config}}}""";
        var response = await _http.PostAsync("/api/experiments", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, text);
        JsonNode.Parse(text)!["errors"]!.AsObject().Select(e => e.Key).Should().Contain(field, text);
        JsonNode.Parse(await _http.GetStringAsync("/api/experiments"))!["total"]!.GetValue<int>().Should().Be(before);
    }
}
