using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Dashboard.Domain.Access;
using Dashboard.Domain.Metrics;
using Dashboard.Infrastructure.Access;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Web.Live;
using Dashboard.Web.Live.Hubs;
using Dashboard.Web.Tests.Api;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Live;

/// <summary>
/// Who may use /hubs/runs and how they are told no: a token as access_token on the hub path (never elsewhere, never
/// echoed into a redirect), 401 problem details without one, and a review link's secret that watches only its runs.
/// </summary>
public sealed class HubAccessTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private HttpClient Anonymous() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<long[]> NewRunsAsync(int count)
    {
        var response = await app.CreateMemberClient().PostAsJsonAsync("/api/experiments", JsonNode.Parse(
            $$"""{"family": "command", "config": {"command": "true"}, "sweep": {"seeds": {{count}}}, "schedule": "tonight"}"""));
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()).ToArray();
    }

    /// <summary>A .NET SignalR client over WebSockets whose token travels only in the URL, as browsers send it.</summary>
    private async Task<HubConnection> ConnectWithQueryTokenAsync(string token)
    {
        var server = app.Server;
        await app.Services.GetRequiredService<RunChangeFeed>().Listening.WaitAsync(Patience);
        var sockets = server.CreateWebSocketClient();
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, $"{RunHub.Path}?access_token={Uri.EscapeDataString(token)}"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.WebSocketFactory = async (context, ct) => await sockets.ConnectAsync(context.Uri, ct);
            })
            .Build();
        await hub.StartAsync();
        return hub;
    }

    private static async Task ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json", body);
        response.Headers.Location.Should().BeNull();
        JsonNode.Parse(body)!["status"]!.GetValue<int>().Should().Be((int)status);
    }

    [Fact]
    public async Task Negotiating_without_a_token_is_a_401_problem_and_with_one_in_the_query_it_succeeds()
    {
        await ProblemAsync(await Anonymous().PostAsync($"{RunHub.Path}/negotiate?negotiateVersion=1", null), HttpStatusCode.Unauthorized);
        await ProblemAsync(await Anonymous().PostAsync($"{RunHub.Path}/negotiate?negotiateVersion=1&access_token=dsh_wrong", null),
            HttpStatusCode.Unauthorized);

        var negotiated = await Anonymous().PostAsync(
            $"{RunHub.Path}/negotiate?negotiateVersion=1&access_token={Uri.EscapeDataString(app.AdminToken)}", null);
        var body = await negotiated.Content.ReadAsStringAsync();
        negotiated.StatusCode.Should().Be(HttpStatusCode.OK, body);
        JsonNode.Parse(body)!["connectionToken"]!.GetValue<string>().Should().NotBeEmpty();
        JsonNode.Parse(body)!["availableTransports"]!.AsArray().Select(t => t!["transport"]!.GetValue<string>()).Should().Contain("WebSockets");
    }

    [Fact]
    public async Task The_query_token_counts_on_the_hub_path_only_and_is_never_echoed_into_a_redirect()
    {
        var token = Uri.EscapeDataString(app.AdminToken);
        await ProblemAsync(await Anonymous().GetAsync($"/api/runs?access_token={token}"), HttpStatusCode.Unauthorized);

        var page = await Anonymous().GetAsync($"/experiments?access_token={token}&page=2");
        page.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var location = page.Headers.Location!.ToString();
        location.Should().StartWith("/signin?returnUrl=").And.Contain("page%3D2");
        location.Should().NotContain(token).And.NotContain("access_token");
    }

    [Fact]
    public async Task An_unknown_connection_on_the_hub_is_a_404_not_the_dashboard_s_page()
    {
        var response = await Anonymous().GetAsync($"{RunHub.Path}?id=nonsense&access_token={Uri.EscapeDataString(app.AdminToken)}");
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType?.MediaType.Should().NotBe("text/html");
        (await response.Content.ReadAsStringAsync()).Should().NotContain("<html");
    }

    [Fact]
    public async Task A_member_token_in_the_query_connects_over_websockets_and_events_arrive()
    {
        var runId = (await NewRunsAsync(1))[0];
        await using var hub = await ConnectWithQueryTokenAsync(app.AdminToken);
        var appended = Channel.CreateUnbounded<MetricsAppendedEvent>();
        hub.On<MetricsAppendedEvent>(RunHub.MetricsAppendedMessage, e => appended.Writer.TryWrite(e));
        (await hub.InvokeAsync<RunChangedEvent>("Watch", runId)).State.Should().Be("scheduled");

        await using (var dataSource = DatabaseConnection.Create(app.ConnectionString))
            await new MetricWriter(dataSource).WriteAsync([new MetricPoint(runId, "loss", 0, 1.5, DateTimeOffset.UtcNow)]);
        using var timeout = new CancellationTokenSource(Patience);
        (await appended.Reader.ReadAsync(timeout.Token)).RunId.Should().Be(runId);
    }

    [Fact]
    public async Task A_review_link_s_secret_watches_its_run_and_no_other_and_reads_but_never_acts()
    {
        var runs = await NewRunsAsync(2);
        var admin = await app.Services.GetRequiredService<UserStore>().FindByNameAsync(DashboardApp.AdminUserName);
        var (_, secret) = await app.Services.GetRequiredService<ReviewLinkStore>()
            .CreateAsync(ReviewTarget.Parse(ReviewTargetKind.Run, $"{runs[0]}"), "hub", null, admin!.Id);

        await using var hub = await ConnectWithQueryTokenAsync(secret);
        (await hub.InvokeAsync<RunChangedEvent>("Watch", runs[0])).RunId.Should().Be(runs[0]);
        var refused = () => hub.InvokeAsync<RunChangedEvent>("Watch", runs[1]);
        (await refused.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain($"may not watch run {runs[1]}");

        var reviewer = app.CreateClient();
        reviewer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        (await reviewer.GetAsync($"/api/runs/{runs[0]}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await ProblemAsync(await reviewer.GetAsync($"/api/runs/{runs[1]}"), HttpStatusCode.Forbidden);
        await ProblemAsync(await reviewer.PostAsync($"/api/runs/{runs[0]}/cancel", null), HttpStatusCode.Forbidden);
    }
}
