using System.Net;
using Dashboard.Web.Tests.Access;
using Dashboard.Web.Tests.Api;

namespace Dashboard.Web.Tests.Hosting;

/// <summary>
/// Behind a TLS proxy the app sees plain http; the proxy's X-Forwarded-Proto: https makes the session cookie
/// Secure, but only when the proxy is one the app was told to believe (default: loopback). The app runs on
/// Kestrel here, so the peer address is the real one of a TCP connection (127.0.0.1).
/// </summary>
public sealed class ForwardedHeaderTests
{
    [Fact]
    public async Task X_forwarded_proto_https_from_a_known_proxy_makes_the_session_cookie_secure()
    {
        await WithAppAsync(knownProxies: null, knownNetworks: null, async address => // default: loopback is the proxy
        {
            (await SessionCookieAsync(address, forwardedProto: "https")).Should().ContainEquivalentOf("secure");
            (await SessionCookieAsync(address, forwardedProto: null)).Should().NotContainEquivalentOf("secure");
        });
    }

    [Fact]
    public async Task X_forwarded_proto_https_from_anyone_else_is_ignored()
    {
        await WithAppAsync(knownProxies: "192.0.2.10", knownNetworks: null, async address => // a proxy elsewhere; 127.0.0.1 is not it
            (await SessionCookieAsync(address, forwardedProto: "https")).Should().NotContainEquivalentOf("secure"));
    }

    [Fact]
    public async Task Known_networks_are_read_too()
    {
        await WithAppAsync(knownProxies: "192.0.2.10", knownNetworks: "127.0.0.0/8", async address =>
            (await SessionCookieAsync(address, forwardedProto: "https")).Should().ContainEquivalentOf("secure"));
    }

    [Fact]
    public async Task A_made_up_x_forwarded_for_buys_no_more_than_four_times_the_password_guesses()
    {
        await WithAppAsync(knownProxies: null, knownNetworks: null, attemptsPerMinute: 1, test: async address =>
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 5; i++)
            {
                var visitor = new Visitor(DashboardApp.KestrelClient(address));
                visitor.Http.DefaultRequestHeaders.Add("X-Forwarded-For", $"198.51.100.{i + 1}");
                statuses.Add((await visitor.SignInAsync(DashboardApp.AdminUserName, $"guess number {i}")).StatusCode);
            }
            // 1 a minute per address, 4 for the user name from all addresses together.
            statuses.Take(4).Should().AllBeEquivalentTo(HttpStatusCode.Unauthorized);
            statuses[4].Should().Be(HttpStatusCode.TooManyRequests);
        });
    }

    private static async Task WithAppAsync(string? knownProxies, string? knownNetworks, Func<Uri, Task> test, int? attemptsPerMinute = null)
    {
        var app = new DashboardApp();
        try
        {
            await ((IAsyncLifetime)app).InitializeAsync();
            if (knownProxies is not null) app.Settings["Dashboard:Proxy:KnownProxies"] = knownProxies;
            if (knownNetworks is not null) app.Settings["Dashboard:Proxy:KnownNetworks"] = knownNetworks;
            if (attemptsPerMinute is { } attempts) app.Settings["Dashboard:SignIn:AttemptsPerMinute"] = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await test(app.StartKestrel());
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    private static async Task<string> SessionCookieAsync(Uri address, string? forwardedProto)
    {
        var visitor = new Visitor(DashboardApp.KestrelClient(address));
        if (forwardedProto is not null) visitor.Http.DefaultRequestHeaders.Add("X-Forwarded-Proto", forwardedProto);
        var response = await visitor.SignInAsync(DashboardApp.AdminUserName, DashboardApp.AdminPassword);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("dashboard_session=", StringComparison.Ordinal));
    }
}
