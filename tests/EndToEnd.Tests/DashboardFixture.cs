using System.Security.Cryptography;
using System.Runtime.CompilerServices;
using Dashboard.EndToEnd.Tests.Api;
using Dashboard.EndToEnd.Tests.Browsing;
using Dashboard.EndToEnd.Tests.Hosting;
using Dashboard.EndToEnd.Tests.Pages;
using Xunit.Sdk;

namespace Dashboard.EndToEnd.Tests;

/// <summary>
/// One dashboard and one browser for the whole test run, shared by every test class of <see cref="DashboardCollection"/>.
/// Each test gets its own browser context (cookies, storage) and makes its own experiments, so tests do not depend
/// on each other or on their order.
/// </summary>
public sealed class DashboardFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    /// <summary>The first build on a 2-core machine takes minutes; publishing an up-to-date tree takes seconds.</summary>
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(20);

    private DashboardProcess? _app;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public Uri BaseUrl => App.BaseUrl;
    public DashboardProcess App => _app ?? throw new InvalidOperationException("The dashboard is not started.");

    /// <summary>The first admin, handed to the product through configuration (Dashboard:Admin).</summary>
    public string AdminUserName { get; } = "e2e-admin";
    public string AdminPassword { get; } = "E2e-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

    public async Task InitializeAsync()
    {
        var results = Path.Combine(RepositoryRoot.Path, "TestResults");
        Directory.CreateDirectory(results);
        var logFile = Path.Combine(results, "e2e-dashboard.log");
        File.Delete(logFile);
        var start = new DashboardStart(
            RepositoryRoot.Path,
            FreePort.Pick(),
            Path.Combine(Path.GetTempPath(), $"dashboard-e2e-{Guid.NewGuid():N}"[..27]),
            AdminUserName,
            AdminPassword,
            ReadyTimeout,
            logFile);
        _app = await DashboardProcess.StartAsync(start, Log);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(Chromium.LaunchOptions());
        Log($"Chromium {Browser.Version} started from {Chromium.ExecutablePath}.");
        // Slow CI machines: assertions wait up to this long for the page to get there.
        SetDefaultExpectTimeout(15_000);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_app is not null) await _app.StopAsync(Log);
    }

    /// <summary>A fresh browser context for one test; screenshots go to TestResults/screenshots/{class}/{test}/.</summary>
    public Task<BrowserSession> OpenBrowserAsync(ITestOutputHelper output,
        [CallerMemberName] string test = "", [CallerFilePath] string file = "") =>
        BrowserSession.OpenAsync(Browser, BaseUrl, App.Output, output,
            Screenshots.For(Path.GetFileNameWithoutExtension(file), test, output));

    /// <summary>A fresh browser context signed in as the admin, on the overview.</summary>
    public async Task<BrowserSession> OpenSignedInBrowserAsync(ITestOutputHelper output,
        [CallerMemberName] string test = "", [CallerFilePath] string file = "")
    {
        var session = await OpenBrowserAsync(output, test, file);
        await new SignInPage(session).SignInAsync(AdminUserName, AdminPassword);
        return session;
    }

    /// <summary>The REST API as a script or another tool calls it.</summary>
    public DashboardApi Api() => new(BaseUrl);

    private void Log(string message) => diagnostics.OnMessage(new DiagnosticMessage($"[e2e] {message}"));
}
