namespace Dashboard.Web.Components.Shared;

/// <summary>
/// Turns a burst of change notifications into at most one refresh per interval: the first request runs
/// after the rest of the interval since the last refresh, later requests in between join it. A refresh that
/// fails is logged by the caller's delegate; the throttle keeps working.
/// </summary>
public sealed class ThrottledRefresh(TimeSpan interval, Func<Task> refresh, TimeProvider? clock = null) : IDisposable
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private DateTimeOffset _last = DateTimeOffset.MinValue;
    private bool _pending;
    private bool _disposed;

    public void Request()
    {
        TimeSpan wait;
        lock (_gate)
        {
            if (_pending || _disposed) return;
            _pending = true;
            var since = _clock.GetUtcNow() - _last;
            wait = since >= interval ? TimeSpan.Zero : interval - since;
        }
        _ = RunAfterAsync(wait);
    }

    private async Task RunAfterAsync(TimeSpan wait)
    {
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        lock (_gate)
        {
            _pending = false;
            if (_disposed) return;
            _last = _clock.GetUtcNow();
        }
        try { await refresh(); }
        catch (ObjectDisposedException) { } // the circuit went away while we waited
    }

    public void Dispose()
    {
        lock (_gate) _disposed = true;
    }
}
