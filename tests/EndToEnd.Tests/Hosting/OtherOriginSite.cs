using System.Net;
using System.Text;

namespace Dashboard.EndToEnd.Tests.Hosting;

/// <summary>
/// A web site on another port of the same host, as an attacker (or any other tool on the machine) could run:
/// it serves fixed HTML pages from a path → page map. Same site as the dashboard, other origin.
/// </summary>
internal sealed class OtherOriginSite : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly IReadOnlyDictionary<string, string> _pages;

    public OtherOriginSite(IReadOnlyDictionary<string, string> pages)
    {
        _pages = pages;
        var port = FreePort.Pick();
        Url = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _ = ServeAsync();
    }

    public Uri Url { get; }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            var found = _pages.TryGetValue(context.Request.Url!.AbsolutePath, out var html);
            context.Response.StatusCode = found ? 200 : 404;
            context.Response.ContentType = "text/html; charset=utf-8";
            var bytes = Encoding.UTF8.GetBytes(html ?? "not here");
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}
