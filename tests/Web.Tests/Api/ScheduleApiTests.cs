using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.Web.Tests.Api;

public sealed class ScheduleApiTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private readonly HttpClient _http = app.CreateMemberClient();

    private const string Nightly = """
        {"name": "nightly regression", "cron": "0 2 * * *", "time_zone": "Europe/Berlin", "skip_while_active": true,
         "experiment": {"family": "command", "config": {"command": "echo {lr}", "lr": 0.1}, "sweep": {"axes": {"lr": [0.1, 0.01]}}}}
        """;

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, string? body = null) =>
        _http.SendAsync(new HttpRequestMessage(method, path)
        {
            Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
        });

    [Fact]
    public async Task A_schedule_is_created_listed_paused_resumed_edited_and_deleted()
    {
        var created = await Send(HttpMethod.Post, "/api/schedules", Nightly);
        var text = await created.Content.ReadAsStringAsync();
        created.StatusCode.Should().Be(HttpStatusCode.Created, text);
        var schedule = JsonNode.Parse(text)!;
        var id = schedule["id"]!.GetValue<long>();
        schedule["owner"]!.GetValue<string>().Should().Be(DashboardApp.AdminUserName);
        var next = schedule["next_occurrence"]!.GetValue<DateTimeOffset>();
        TimeZoneInfo.ConvertTime(next, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")).TimeOfDay.Should().Be(TimeSpan.FromHours(2));
        (next - DateTimeOffset.UtcNow).Should().BeLessThanOrEqualTo(TimeSpan.FromHours(25)).And.BePositive();

        var list = JsonNode.Parse(await _http.GetStringAsync("/api/schedules"))!.AsArray();
        list.Select(s => s!["id"]!.GetValue<long>()).Should().Contain(id);
        var detail = JsonNode.Parse(await _http.GetStringAsync($"/api/schedules/{id}"))!;
        detail["next_occurrences"]!.AsArray().Should().HaveCount(5);

        (await Send(HttpMethod.Post, $"/api/schedules/{id}/pause")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        JsonNode.Parse(await _http.GetStringAsync($"/api/schedules/{id}"))!["schedule"]!["next_occurrence"].Should().BeNull();
        (await Send(HttpMethod.Post, $"/api/schedules/{id}/resume")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var edited = await Send(HttpMethod.Put, $"/api/schedules/{id}", Nightly.Replace("0 2 * * *", "30 6 * * 1"));
        edited.StatusCode.Should().Be(HttpStatusCode.OK, await edited.Content.ReadAsStringAsync());
        (await edited.Content.ReadFromJsonAsync<JsonNode>())!["cron"]!.GetValue<string>().Should().Be("30 6 * * 1");

        (await Send(HttpMethod.Delete, $"/api/schedules/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await Send(HttpMethod.Get, $"/api/schedules/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Send(HttpMethod.Post, $"/api/schedules/{id}/pause")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("\"cron\": \"0 2 * * *\"", "\"cron\": \"0 24 * * *\"", "cron", "Hours")]
    [InlineData("\"cron\": \"0 2 * * *\"", "\"cron\": \"0 2 * *\"", "cron", "has 4 fields")]
    [InlineData("\"Europe/Berlin\"", "\"Europe/Atlantis\"", "time_zone", "Europe/Atlantis")]
    [InlineData("\"skip_while_active\": true", "\"skip_while_active\": \"yes\"", "skip_while_active", "true or false")]
    [InlineData("\"skip_while_active\": true", "\"missed\": \"later\"", "missed", "run_once")]
    [InlineData("\"command\": \"echo {lr}\"", "\"command\": \"\"", "experiment.config.command", "empty")]
    [InlineData("\"family\": \"command\"", "\"family\": \"command\", \"schedule\": \"tonight\"", "experiment.schedule", "set by the schedule")]
    public async Task A_bad_schedule_is_a_400_naming_the_field_and_what_is_wrong(string from, string to, string field, string says)
    {
        var before = JsonNode.Parse(await _http.GetStringAsync("/api/schedules"))!.AsArray().Count;
        var response = await Send(HttpMethod.Post, "/api/schedules", Nightly.Replace(from, to));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, text);
        var errors = JsonNode.Parse(text)!["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().Contain(field, text);
        errors[field]!.AsArray()[0]!.GetValue<string>().Should().Contain(says);
        JsonNode.Parse(await _http.GetStringAsync("/api/schedules"))!.AsArray().Should().HaveCount(before);
    }
}
