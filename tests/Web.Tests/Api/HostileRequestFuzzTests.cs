using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dashboard.Web.Access;
using Dashboard.Web.Tests.Access;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Dashboard.Web.Tests.Api;

/// <summary>
/// Generated hostile requests (see <see cref="HostileRequests"/>) to every API route, as scripts, browsers and
/// strangers: none may be answered 5xx, each must finish within a time and an allocation bound, and an
/// experiment stored before is unchanged after. The count is 1,000 in the suite; DASHBOARD_FUZZ_REQUESTS and
/// DASHBOARD_FUZZ_SEED run more or others (docs/benchmarks.md has a larger run).
/// </summary>
public sealed partial class HostileRequestFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly DashboardApp app = new();
    private Uri _address = null!;

    // Kestrel, not the in-memory server: a path with %00 or a request line too long meets the real server's parsing.
    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)app).InitializeAsync();
        _address = app.StartKestrel();
    }

    public Task DisposeAsync() => ((IAsyncLifetime)app).DisposeAsync();

    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(10);
    private const long AllocationBound = 256L << 20;

    [Fact]
    public async Task Generated_hostile_requests_to_every_api_route_never_get_a_5xx_and_stay_bounded()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("DASHBOARD_FUZZ_REQUESTS"), out var n) ? n : 1000;
        var seed = ulong.TryParse(Environment.GetEnvironmentVariable("DASHBOARD_FUZZ_SEED"), out var s) ? s : 20261206UL;
        var script = DashboardApp.KestrelClient(_address, app.AdminToken);
        var kept = await CreateAsync(script, """{"name": "kept", "family": "command", "config": {"command": "true"}, "sweep": {"seeds": 2}, "tags": ["k"], "notes": "n"}""");
        var keptJson = await script.GetStringAsync($"/api/experiments/{kept.Experiment}");
        var targets = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var target = await CreateAsync(script, """{"family": "command", "config": {"command": "true"}, "sweep": {"seeds": 2}}""");
            targets.Add(target.Experiment);
            targets.AddRange(target.Runs);
        }
        var ids = targets.Concat([0L, 1, 2, 3, 5, 8, 13]).Except(kept.Runs.Append(kept.Experiment)).Distinct().ToList();
        var routes = ApiRoutes();
        routes.Select(r => r.Pattern).Should().Contain(["/api/experiments/", "/api/runs/{id:long}/rerun", "/api/runs/{id:long}/artifacts/{**name}"]);

        var callers = await CallersAsync();
        var keptIds = kept.Runs.Append(kept.Experiment).ToHashSet();
        var requests = Enumerable.Range(0, int.MaxValue)
            .SelectMany(chunk => HostileRequests.For(routes, ids).Sample(100, new Rnd(seed, (ulong)chunk * 2 + 1), 1 + chunk % 30)) // 100 requests of one size per chunk, sizes 1 to 30
            .Where(r => !Changes(r, keptIds)) // a valid delete or cancel of the kept experiment would rightly change it
            .Take(count).ToList();
        var statuses = new Dictionary<int, int>();
        var slowest = TimeSpan.Zero;
        long mostAllocated = 0;
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        foreach (var request in requests)
        {
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
            var started = Stopwatch.GetTimestamp();
            int status;
            try
            {
                using var cancel = new CancellationTokenSource(TimeBound * 2);
                using var response = await callers[request.Caller].SendAsync(ToMessage(request), cancel.Token);
                await response.Content.ReadAsByteArrayAsync(cancel.Token);
                status = (int)response.StatusCode;
            }
            catch (OperationCanceledException)
            {
                status = 0;
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            slowest = elapsed > slowest ? elapsed : slowest;
            mostAllocated = Math.Max(mostAllocated, allocated);
            if (status is 0 or >= 500 || elapsed > TimeBound || allocated > AllocationBound)
                failures.Add($"{(status == 0 ? "no answer" : status.ToString(CultureInfo.InvariantCulture))} in {elapsed.TotalMilliseconds:0} ms, " +
                             $"{allocated >> 20} MiB allocated: {request}");
        }

        output.WriteLine($"{requests.Count} hostile requests in {clock.Elapsed.TotalSeconds:0.0} s (seed {seed}); statuses: " +
                         string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}×{p.Value}")) +
                         $"; 5xx: {statuses.Where(p => p.Key >= 500).Sum(p => p.Value)}; slowest {slowest.TotalMilliseconds:0} ms; " +
                         $"most allocated by one request {mostAllocated >> 20} MiB.");
        failures.Should().BeEmpty();
        statuses.Keys.Should().Contain([400, 415], "the generator should reach the validation and the media-type check");
        (await script.GetStringAsync($"/api/experiments/{kept.Experiment}")).Should().Be(keptJson);
    }

    private static bool Changes(HostileRequest request, HashSet<long> ids) =>
        request.Method != "GET" && TargetId().Matches(request.Path)
            .Any(m => long.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var id) && ids.Contains(id));

    [GeneratedRegex(@"/(?:experiments|runs)/([^/?]+)")]
    private static partial Regex TargetId();

    /// <summary>Every /api endpoint the app maps, as (method, route pattern).</summary>
    private List<(string Method, string Pattern)> ApiRoutes() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, e.RoutePattern.RawText!)))
            .Distinct().ToList();

    private async Task<Dictionary<HostileCaller, HttpClient>> CallersAsync()
    {
        var browser = new Visitor(DashboardApp.KestrelClient(_address));
        await browser.SignInOrFailAsync(DashboardApp.AdminUserName, DashboardApp.AdminPassword);
        var withHeader = new Visitor(DashboardApp.KestrelClient(_address));
        await withHeader.SignInOrFailAsync(DashboardApp.AdminUserName, DashboardApp.AdminPassword);
        withHeader.Http.DefaultRequestHeaders.Add(CrossSiteRequests.RequestedWithHeader, "fuzz");
        return new()
        {
            [HostileCaller.Token] = DashboardApp.KestrelClient(_address, app.AdminToken),
            [HostileCaller.BadToken] = DashboardApp.KestrelClient(_address, "dsh_" + new string('A', 43)),
            [HostileCaller.Cookie] = browser.Http,
            [HostileCaller.CookieWithHeader] = withHeader.Http,
            [HostileCaller.Anonymous] = DashboardApp.KestrelClient(_address),
        };
    }

    private static HttpRequestMessage ToMessage(HostileRequest request)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.Path, UriKind.Relative));
        if (request.Body is { } body)
        {
            message.Content = new ByteArrayContent(body);
            if (request.ContentType is { } type) message.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }
        return message;
    }

    private static async Task<(long Experiment, List<long> Runs)> CreateAsync(HttpClient http, string body)
    {
        var response = await http.PostAsync("/api/experiments", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, text);
        var json = JsonNode.Parse(text)!;
        return (json["experiment"]!["id"]!.GetValue<long>(), json["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()).ToList());
    }
}
