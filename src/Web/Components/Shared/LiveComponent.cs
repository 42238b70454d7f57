using Dashboard.Web.Live;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Components.Shared;

/// <summary>
/// A component that reloads itself when runs change: it listens to the <see cref="RunChangeFeed"/> once it is
/// interactive (not while prerendering), reloads at most once per <see cref="RefreshInterval"/>, and also on a
/// slow timer for what no NOTIFY announces (worker heartbeats, the passing of time in ages and ETAs).
/// </summary>
public abstract class LiveComponent : ComponentBase, IDisposable
{
    [Inject] private RunChangeFeed Feed { get; set; } = default!;
    [Inject] private ILogger<LiveComponent> Log { get; set; } = default!;

    private IDisposable? _subscription;
    private ThrottledRefresh? _refresh;
    private Timer? _timer;

    protected virtual TimeSpan RefreshInterval => TimeSpan.FromMilliseconds(500);
    /// <summary>Null: no timer.</summary>
    protected virtual TimeSpan? SlowInterval => TimeSpan.FromSeconds(5);

    /// <summary>Reads the component's data again. Called on the renderer's sync context.</summary>
    protected abstract Task ReloadAsync();

    /// <summary>Whether a change concerns this component; every change does unless overridden.</summary>
    protected virtual bool Concerns(RunChange change) => true;

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender) return;
        _refresh = new ThrottledRefresh(RefreshInterval, () => InvokeAsync(ReloadAndRenderAsync));
        _subscription = Feed.Subscribe(change => { if (Concerns(change)) _refresh.Request(); });
        if (SlowInterval is { } slow) _timer = new Timer(_ => _refresh.Request(), null, slow, slow);
    }

    /// <summary>Asks for a reload soon (throttled like the feed's).</summary>
    protected void RequestReload() => _refresh?.Request();

    private async Task ReloadAndRenderAsync()
    {
        try
        {
            await ReloadAsync();
            StateHasChanged();
        }
        catch (Exception e) when (e is not ObjectDisposedException)
        {
            Log.LogWarning(e, "Live reload of {Component} failed; the next change retries", GetType().Name);
        }
    }

    public virtual void Dispose()
    {
        _timer?.Dispose();
        _subscription?.Dispose();
        _refresh?.Dispose();
        GC.SuppressFinalize(this);
    }
}
