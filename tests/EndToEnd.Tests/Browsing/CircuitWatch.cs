using System.Text;

namespace Dashboard.EndToEnd.Tests.Browsing;

/// <summary>
/// Knows when a page's Blazor circuit is interactive. Until then a click on a button does nothing and a click on a
/// link is a plain (enhanced) page load. The signal: over the /_blazor WebSocket, the server asks the browser to
/// enable navigation interception, which the interactive router does after its first render.
/// </summary>
public sealed class CircuitWatch
{
    private const string InterceptionCall = "enableNavigationInterception";
    private readonly Lock _gate = new();
    private TaskCompletionSource _interactive = New();
    private int _sockets;

    public CircuitWatch(IPage page)
    {
        page.WebSocket += (_, socket) =>
        {
            if (!socket.Url.Contains("/_blazor", StringComparison.Ordinal)) return;
            TaskCompletionSource current;
            lock (_gate)
            {
                _sockets++;
                if (_interactive.Task.IsCompleted) _interactive = New();
                current = _interactive;
            }
            socket.FrameReceived += (_, frame) =>
            {
                if (Contains(frame, InterceptionCall)) current.TrySetResult();
            };
        };
    }

    /// <summary>How many circuits this page opened (one per full page load of an interactive page).</summary>
    public int Circuits
    {
        get { lock (_gate) return _sockets; }
    }

    /// <summary>Forget the current circuit before a full page load, so that <see cref="InteractiveAsync"/> waits for the next one.</summary>
    public void Reset()
    {
        lock (_gate) _interactive = New();
    }

    public async Task InteractiveAsync(TimeSpan? timeout = null)
    {
        Task wait;
        lock (_gate) wait = _interactive.Task;
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        if (await Task.WhenAny(wait, Task.Delay(limit)) != wait)
            throw new TimeoutException($"The page's Blazor circuit did not become interactive within {limit.TotalSeconds:0} s.");
    }

    private static bool Contains(IWebSocketFrame frame, string text) =>
        (frame.Text?.Contains(text, StringComparison.Ordinal) ?? false) ||
        (frame.Binary is { } bytes && Encoding.UTF8.GetString(bytes).Contains(text, StringComparison.Ordinal));

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
