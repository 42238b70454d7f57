using Dashboard.Infrastructure.Metrics;
using Npgsql;

namespace Dashboard.Web.Live;

/// <summary>
/// The web process's one LISTEN connection. PostgreSQL is the backplane: workers on any machine change runs
/// and write metrics, the database NOTIFYs, and this feed hands each change to whoever subscribed here
/// (Blazor circuits, the SignalR hub). Subscribers must be quick; they throttle their own redraws.
/// </summary>
public sealed class RunChangeFeed(NpgsqlDataSource dataSource, ILogger<RunChangeFeed> logger) : BackgroundService
{
    private const string RunChannel = "run_changed";
    private readonly Lock gate = new();
    private ImmutableSubscribers subscribers = new([]);
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first LISTEN is in place: changes from then on reach subscribers.</summary>
    public Task Listening => listening.Task;

    /// <summary>Calls <paramref name="onChange"/> for every change until the returned handle is disposed.</summary>
    public IDisposable Subscribe(Action<RunChange> onChange)
    {
        lock (gate) subscribers = new([.. subscribers.Handlers, onChange]);
        return new Subscription(this, onChange);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, n) => { foreach (var change in Parse(n.Channel, n.Payload)) Publish(change); };
                await using (var listen = new NpgsqlCommand($"LISTEN {RunChannel}; LISTEN {MetricWriter.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                listening.TrySetResult();
                while (true) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                logger.LogWarning("Live updates paused: LISTEN connection lost ({Message}); retrying.", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    /// <summary>run_changed carries "id:state"; metric_points carries "id,id,…".</summary>
    public static IEnumerable<RunChange> Parse(string channel, string payload)
    {
        if (channel == RunChannel)
        {
            var colon = payload.IndexOf(':');
            if (colon > 0 && long.TryParse(payload.AsSpan(0, colon), out var id))
                yield return new RunChange(id, RunChangeKind.Run, payload[(colon + 1)..]);
            yield break;
        }
        foreach (var part in payload.Split(',', StringSplitOptions.RemoveEmptyEntries))
            if (long.TryParse(part, out var id))
                yield return new RunChange(id, RunChangeKind.Metrics);
    }

    private void Publish(RunChange change)
    {
        foreach (var handler in subscribers.Handlers)
        {
            try { handler(change); }
            catch (Exception e) { logger.LogWarning(e, "A live-update subscriber failed on run {RunId}.", change.RunId); }
        }
    }

    private void Unsubscribe(Action<RunChange> onChange)
    {
        lock (gate) subscribers = new([.. subscribers.Handlers.Where(h => h != onChange)]);
    }

    private sealed record ImmutableSubscribers(Action<RunChange>[] Handlers);

    private sealed class Subscription(RunChangeFeed feed, Action<RunChange> onChange) : IDisposable
    {
        private int disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) feed.Unsubscribe(onChange);
        }
    }
}
