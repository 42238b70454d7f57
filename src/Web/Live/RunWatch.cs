namespace Dashboard.Web.Live;

/// <summary>
/// What one page (one Blazor circuit) follows: the changes of the runs it shows, coalesced so that it redraws
/// at most ten times a second. Dispose it with the component; the feed subscription goes with it.
/// </summary>
public sealed class RunWatch : IAsyncDisposable
{
    /// <summary>At most ten redraws a second per page.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly ChangeCoalescer _coalescer;
    private readonly IDisposable _subscription;
    private volatile HashSet<long> _runIds;

    public RunWatch(RunChangeFeed feed, IEnumerable<long> runIds, Func<RunChanges, Task> onChanges, Action<Exception>? onError = null,
        TimeSpan? interval = null)
    {
        _runIds = [.. runIds];
        _coalescer = new ChangeCoalescer(interval ?? Interval, onChanges, onError);
        _subscription = feed.Subscribe(change =>
        {
            if (_runIds.Contains(change.RunId)) _coalescer.Add(change);
        });
    }

    /// <summary>Follows these runs from now on instead (the compare page's selection changed).</summary>
    public void Follow(IEnumerable<long> runIds) => _runIds = [.. runIds];

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _coalescer.DisposeAsync();
    }
}
