using Dashboard.EndToEnd.Tests.Hosting;

namespace Dashboard.EndToEnd.Tests.Browsing;

/// <summary>
/// One test's browser: its own context (no cookies shared with other tests), one page, the page's circuit watch and
/// screenshots. Disposing it takes a last screenshot (the failure state, if the test failed) and writes to the test
/// output what the browser console reported and what the dashboard printed meanwhile.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private static readonly bool Trace = Environment.GetEnvironmentVariable("E2E_TRACE") == "1";

    private readonly Screenshots _screenshots;
    private readonly ITestOutputHelper _output;
    private readonly AppOutput? _app;
    private readonly string _role;
    private readonly int _appMark;
    private readonly List<string> _console = [];

    private BrowserSession(IBrowser browser, IBrowserContext context, IPage page, Uri baseUrl, Screenshots screenshots,
        ITestOutputHelper output, AppOutput? app, string role)
    {
        Browser = browser;
        Context = context;
        Page = page;
        BaseUrl = baseUrl;
        Circuit = new CircuitWatch(page);
        _screenshots = screenshots;
        _output = output;
        _app = app;
        _role = role;
        _appMark = app?.Mark() ?? 0;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning") Record($"console {message.Type}: {message.Text}");
        };
        page.PageError += (_, error) => Record($"page error: {error}");
    }

    public IBrowser Browser { get; }
    public IBrowserContext Context { get; }
    public IPage Page { get; }
    public Uri BaseUrl { get; }
    public CircuitWatch Circuit { get; }

    /// <summary>HTTP requests with this context's cookies (what a script in this browser could send).</summary>
    public IAPIRequestContext Requests => Context.APIRequest;

    public IReadOnlyList<string> ConsoleMessages
    {
        get { lock (_console) return _console.ToList(); }
    }

    internal static async Task<BrowserSession> OpenAsync(IBrowser browser, Uri baseUrl, AppOutput? app,
        ITestOutputHelper output, Screenshots screenshots, string role = "")
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        // A loaded 2-core machine: give actions and navigations room before calling it a failure.
        context.SetDefaultTimeout(20_000);
        context.SetDefaultNavigationTimeout(60_000);
        if (Trace) await context.Tracing.StartAsync(new TracingStartOptions { Screenshots = true, Snapshots = true });
        var page = await context.NewPageAsync();
        return new BrowserSession(browser, context, page, baseUrl, screenshots, output, app, role);
    }

    /// <summary>A second, fresh browser context in the same test (a visitor without cookies); its screenshots sit beside this one's.</summary>
    public Task<BrowserSession> OpenFreshContextAsync(string role) =>
        OpenAsync(Browser, BaseUrl, null, _output, _screenshots, role);

    /// <summary>Loads <paramref name="path"/> as a full page load; for an interactive page, waits until its circuit is live.</summary>
    public async Task<IResponse?> GotoAsync(string path, bool interactive = true)
    {
        Circuit.Reset();
        var response = await Page.GotoAsync(path);
        if (interactive) await Circuit.InteractiveAsync();
        return response;
    }

    public Task<string> ScreenshotAsync(string state) =>
        _screenshots.TakeAsync(Page, _role.Length == 0 ? state : $"{_role}-{state}");

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!Page.IsClosed) await ScreenshotAsync("last");
        }
        catch (PlaywrightException e)
        {
            _output.WriteLine($"(no last screenshot: {e.Message})");
        }
        if (Trace)
        {
            var trace = Path.Combine(_screenshots.Folder, $"{(_role.Length == 0 ? "" : _role + "-")}trace.zip");
            await Context.Tracing.StopAsync(new TracingStopOptions { Path = trace });
            _output.WriteLine($"trace: {trace} (open with the Playwright trace viewer)");
        }
        await Context.CloseAsync();
        foreach (var line in ConsoleMessages) _output.WriteLine($"[browser{(_role.Length == 0 ? "" : " " + _role)}] {line}");
        if (_app is not null)
        {
            _output.WriteLine($"--- dashboard output during this test (all of it: {_app.LogFile}) ---");
            foreach (var line in _app.Since(_appMark)) _output.WriteLine(line);
        }
    }

    private void Record(string line)
    {
        lock (_console) _console.Add(line);
    }
}
