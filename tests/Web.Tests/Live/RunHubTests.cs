using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Dashboard.Domain.Metrics;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Web.Live;
using Dashboard.Web.Live.Hubs;
using Dashboard.Web.Tests.Api;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Live;

/// <summary>The SignalR hub end to end: the app over a real PostgreSQL, a real SignalR client over WebSockets.</summary>
public sealed class RunHubTests(DashboardApp app) : IClassFixture<DashboardApp>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private HubConnection hub = null!;
    private readonly Channel<MetricsAppendedEvent> appended = Channel.CreateUnbounded<MetricsAppendedEvent>();
    private readonly Channel<RunChangedEvent> changed = Channel.CreateUnbounded<RunChangedEvent>();

    public async Task InitializeAsync()
    {
        var server = app.Server; // starts the app
        await app.Services.GetRequiredService<RunChangeFeed>().Listening.WaitAsync(Patience);
        var sockets = server.CreateWebSocketClient();
        sockets.ConfigureRequest = request => request.Headers.Authorization = "Bearer " + app.AdminToken;
        hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, RunHub.Path), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.WebSocketFactory = async (context, ct) => await sockets.ConnectAsync(context.Uri, ct);
            })
            .Build();
        hub.On<MetricsAppendedEvent>(RunHub.MetricsAppendedMessage, e => appended.Writer.TryWrite(e));
        hub.On<RunChangedEvent>(RunHub.RunChangedMessage, e => changed.Writer.TryWrite(e));
        await hub.StartAsync();
    }

    public async Task DisposeAsync() => await hub.DisposeAsync();

    private async Task<long> NewRunAsync()
    {
        var response = await app.CreateMemberClient().PostAsJsonAsync("/api/experiments",
            JsonNode.Parse("""{"family": "command", "config": {"command": "true"}, "schedule": "tonight"}"""));
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["runs"]![0]!["id"]!.GetValue<long>();
    }

    private async Task WriteMetricsAsync(long runId, int fromStep, int count = 10)
    {
        await using var dataSource = DatabaseConnection.Create(app.ConnectionString);
        await new MetricWriter(dataSource).WriteAsync(Enumerable.Range(fromStep, count)
            .Select(s => new MetricPoint(runId, "loss", s, 1.0 / (s + 1), DateTimeOffset.UtcNow)).ToList());
    }

    private static async Task<T> NextAsync<T>(Channel<T> channel, Func<T, bool> match)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var item = await channel.Reader.ReadAsync(timeout.Token);
            if (match(item)) return item;
        }
    }

    [Fact]
    public async Task A_metric_batch_written_for_a_watched_run_arrives_at_the_client()
    {
        var runId = await NewRunAsync();
        var current = await hub.InvokeAsync<RunChangedEvent>("Watch", runId);
        current.Should().Be(new RunChangedEvent(runId, "scheduled", null));

        await WriteMetricsAsync(runId, 0);
        (await NextAsync(appended, e => e.RunId == runId)).Should().Be(new MetricsAppendedEvent(runId));
    }

    [Fact]
    public async Task A_state_change_arrives_with_state_and_step()
    {
        var runId = await NewRunAsync();
        await hub.InvokeAsync<RunChangedEvent>("Watch", runId);
        (await app.CreateMemberClient().PostAsync($"/api/runs/{runId}/cancel", null)).EnsureSuccessStatusCode();
        (await NextAsync(changed, e => e.RunId == runId)).Should().Be(new RunChangedEvent(runId, "cancelled", null));
    }

    [Fact]
    public async Task Many_batches_in_a_burst_are_coalesced_and_an_unwatched_run_sends_nothing()
    {
        var watched = await NewRunAsync();
        var other = await NewRunAsync();
        await hub.InvokeAsync<RunChangedEvent>("Watch", watched);
        await hub.InvokeAsync<RunChangedEvent>("Watch", other);
        await hub.InvokeAsync("Unwatch", other);

        var started = DateTime.UtcNow;
        await using (var dataSource = DatabaseConnection.Create(app.ConnectionString))
        {
            // 40 batches at once (separate series, so they do not wait on each other's row locks).
            var writer = new MetricWriter(dataSource);
            await Task.WhenAll(new[] { watched, other }.SelectMany(id => Enumerable.Range(0, 40).Select(batch =>
                writer.WriteAsync([new MetricPoint(id, $"loss{batch}", 0, 1, DateTimeOffset.UtcNow)]))));
        }
        var elapsed = DateTime.UtcNow - started;
        await NextAsync(appended, e => e.RunId == watched);
        await Task.Delay(RunWatch.Interval * 3); // let the last coalesced message through
        var received = new List<MetricsAppendedEvent>();
        while (appended.Reader.TryRead(out var e)) received.Add(e);

        received.Should().NotContain(e => e.RunId == other, "the client stopped watching that run");
        // At most one message per 100 ms interval (plus the first and the last).
        (received.Count + 1).Should().BeLessThanOrEqualTo((int)(elapsed / RunWatch.Interval) + 3)
            .And.BeLessThan(40, "40 batches must not become 40 messages");
    }

    [Fact]
    public async Task Watching_a_run_that_does_not_exist_is_refused_with_a_clear_message()
    {
        var act = () => hub.InvokeAsync<RunChangedEvent>("Watch", 987_654_321L);
        (await act.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("Run 987654321 does not exist");
    }
}
