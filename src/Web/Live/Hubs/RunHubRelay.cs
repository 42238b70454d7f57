using Dashboard.Infrastructure.Reading;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Web.Live.Hubs;

/// <summary>
/// Feeds the hub from the LISTEN feed: changes of watched runs are coalesced (at most ten messages of each kind
/// per run a second) and sent to the run's group. State changes carry the run's current state and step, read once per batch.
/// </summary>
public sealed class RunHubRelay(RunChangeFeed feed, RunHubWatchers watchers, RunStatusQuery status,
    IHubContext<RunHub> hub, ILogger<RunHubRelay> logger) : IHostedService, IAsyncDisposable
{
    private ChangeCoalescer? _coalescer;
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _coalescer = new ChangeCoalescer(RunWatch.Interval, SendAsync,
            e => logger.LogWarning("Hub relay: sending run changes failed ({Message}).", e.Message));
        _subscription = feed.Subscribe(change =>
        {
            if (watchers.IsWatched(change.RunId)) _coalescer.Add(change);
        });
        return Task.CompletedTask;
    }

    private async Task SendAsync(RunChanges changes)
    {
        foreach (var runId in changes.MetricRuns)
            await hub.Clients.Group(RunHub.GroupOf(runId)).SendAsync(RunHub.MetricsAppendedMessage, new MetricsAppendedEvent(runId));
        if (changes.StateRuns.Count == 0) return;
        foreach (var run in await status.ReadAsync(changes.StateRuns.Keys.ToList(), CancellationToken.None))
            await hub.Clients.Group(RunHub.GroupOf(run.RunId)).SendAsync(RunHub.RunChangedMessage, RunChangedEvent.From(run));
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        _subscription = null;
        if (_coalescer is { } c)
        {
            _coalescer = null;
            await c.DisposeAsync();
        }
    }
}
