namespace Dashboard.EndToEnd.Tests.Browsing;

/// <summary>
/// Debian's Chromium (scripts/lib/dependencies.sh installs it), never a browser Playwright downloads. The flags keep a
/// headless browser on a closed network from reaching out (updates, sync, QUIC probes) and from needing a GPU.
/// </summary>
public static class Chromium
{
    public static string ExecutablePath { get; } =
        Environment.GetEnvironmentVariable("E2E_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static BrowserTypeLaunchOptions LaunchOptions()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException(
                $"Chromium is not at {ExecutablePath}. Install it with `apt-get install -y chromium` (./scripts/test does so as root), " +
                "or set E2E_CHROMIUM to a Chromium binary.");
        return new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            ],
        };
    }
}
