using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.EndToEnd.Tests.Api;

/// <summary>
/// The dashboard's REST API, called as a user's script calls it (JSON in snake_case). This is the one place requests
/// get their credentials: once the API asks for a bearer token, <see cref="Authenticate"/> adds it.
/// </summary>
public sealed class DashboardApi : IDisposable
{
    private readonly HttpClient _http;

    public DashboardApi(Uri baseUrl)
    {
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        Authenticate(_http);
    }

    /// <summary>No credentials yet: the API is open on main. The auth branch makes this send an API token.</summary>
    private static void Authenticate(HttpClient http) => _ = http;

    public HttpClient Http => _http;

    /// <summary>POST /api/experiments; answers the created experiment and its runs (fails the test on anything but 201).</summary>
    public async Task<CreatedExperiment> CreateExperimentAsync(JsonObject request)
    {
        var response = await _http.PostAsync("/api/experiments",
            new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, $"POST /api/experiments should create it; it answered {body}");
        return new CreatedExperiment(JsonNode.Parse(body)!);
    }

    /// <summary>GET /api/experiments/{id}: the experiment and its runs.</summary>
    public async Task<CreatedExperiment> GetExperimentAsync(long experimentId) =>
        new(await GetJsonAsync($"/api/experiments/{experimentId}"));

    public async Task<JsonNode> GetRunAsync(long runId) => await GetJsonAsync($"/api/runs/{runId}");

    public async Task<JsonNode> SeriesAsync(long runId, string key) =>
        await GetJsonAsync($"/api/runs/{runId}/metrics/series?key={Uri.EscapeDataString(key)}");

    public async Task CancelRunAsync(long runId)
    {
        var response = await _http.PostAsync($"/api/runs/{runId}/cancel", null);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls the run until its state satisfies <paramref name="reached"/>; fails naming the last state seen.</summary>
    public async Task<JsonNode> WaitForRunAsync(long runId, Func<string, bool> reached, TimeSpan timeout, string because)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await GetRunAsync(runId);
            var state = run["state"]!.GetValue<string>();
            if (reached(state)) return run;
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"Run {runId} is still '{state}' after {timeout.TotalSeconds:0} s; expected it {because}. " +
                                           $"Failure reason: {run["failure_reason"]?.ToString() ?? "none"}.");
            await Task.Delay(250);
        }
    }

    public Task<JsonNode> WaitForFinishAsync(long runId, TimeSpan timeout) =>
        WaitForRunAsync(runId, RunStates.IsFinal, timeout, "to finish");

    private async Task<JsonNode> GetJsonAsync(string path)
    {
        var response = await _http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, $"GET {path} answered {body}");
        return JsonNode.Parse(body)!;
    }

    public void Dispose() => _http.Dispose();
}
