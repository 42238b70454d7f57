namespace Dashboard.Web.Live;

/// <summary>
/// Gathers run changes and hands them on in batches: at most one batch per interval, never two at once, and
/// never busy more than half the time, so a run that writes metrics 50 times a second costs a page at most
/// 1/interval redraws. Changes that arrive
/// while a batch is being handled go into the next one; nothing is dropped.
/// </summary>
public sealed class ChangeCoalescer : IAsyncDisposable
{
    private readonly TimeSpan _interval;
    private readonly Func<RunChanges, Task> _handle;
    private readonly Action<Exception>? _onError;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private HashSet<long> _metricRuns = [];
    private Dictionary<long, string?> _stateRuns = [];
    private bool _signalled;

    public ChangeCoalescer(TimeSpan interval, Func<RunChanges, Task> handle, Action<Exception>? onError = null)
    {
        _interval = interval;
        _handle = handle;
        _onError = onError;
        _pump = Task.Run(PumpAsync);
    }

    public void Add(RunChange change)
    {
        lock (_gate)
        {
            if (change.Kind == RunChangeKind.Metrics) _metricRuns.Add(change.RunId);
            else _stateRuns[change.RunId] = change.State;
            if (_signalled) return;
            _signalled = true;
        }
        _signal.Release();
    }

    private RunChanges Take()
    {
        lock (_gate)
        {
            var batch = new RunChanges(_metricRuns, _stateRuns);
            _metricRuns = [];
            _stateRuns = [];
            _signalled = false;
            return batch;
        }
    }

    private async Task PumpAsync()
    {
        var token = _stop.Token;
        try
        {
            while (true)
            {
                await _signal.WaitAsync(token);
                var started = DateTime.UtcNow;
                var batch = Take();
                if (!batch.IsEmpty)
                {
                    try { await _handle(batch); }
                    catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested) { _onError?.Invoke(e); }
                }
                // At most one batch per interval, and idle at least as long as the last batch took: a page whose
                // redraw is slow (50 overlaid runs in a browser without a GPU) stays usable between redraws.
                var took = DateTime.UtcNow - started;
                var wait = took > _interval ? took : _interval - took;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        _stop.Dispose();
        _signal.Dispose();
    }
}
