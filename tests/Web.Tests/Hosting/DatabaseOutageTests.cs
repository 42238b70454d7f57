using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Database.Embedded;
using Dashboard.Web.Tests.Api;

namespace Dashboard.Web.Tests.Hosting;

/// <summary>
/// PostgreSQL stopped under the running web app: requests are answered 503 with Retry-After (not 500), and once
/// the server is back the app serves again by itself, with what was stored before. The test runs its own
/// cluster, since stopping the shared test cluster would fail every other test class.
/// </summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task While_postgresql_is_away_the_app_answers_503_with_retry_after_and_recovers_when_it_is_back()
    {
        var folder = Path.Combine(Path.GetTempPath(), "outage-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new EmbeddedPostgresOptions(folder) { Fsync = false };
        var server = await EmbeddedPostgres.StartAsync(options);
        var app = new DashboardApp { ConnectionString = server.ConnectionString };
        try
        {
            await using (var dataSource = DatabaseConnection.Create(server.ConnectionString))
                await SchemaMigrator.MigrateAsync(dataSource);
            await ((IAsyncLifetime)app).InitializeAsync();
            var http = app.CreateMemberClient();
            var created = await http.PostAsync("/api/experiments",
                new StringContent("""{"name": "before the outage", "family": "command", "config": {"command": "true"}}""", Encoding.UTF8, "application/json"));
            created.StatusCode.Should().Be(HttpStatusCode.Created);

            await server.StopAsync();
            foreach (var request in new Func<Task<HttpResponseMessage>>[]
                     {
                         () => http.GetAsync("/api/experiments"),
                         () => http.GetAsync("/api/runs/1"),
                         () => http.PostAsync("/api/experiments", new StringContent("""{"family": "command", "config": {"command": "true"}}""", Encoding.UTF8, "application/json")),
                         () => http.GetAsync("/healthz"),
                     })
            {
                var response = await request();
                var text = await response.Content.ReadAsStringAsync();
                response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, text);
                response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(5));
                response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
                JsonNode.Parse(text)!["title"]!.GetValue<string>().Should().Be("Database unavailable");
            }

            server = await EmbeddedPostgres.StartAsync(options with { Port = server.Port });
            var clock = Stopwatch.StartNew();
            HttpResponseMessage listed;
            // Pooled connections from before the outage are broken; the pool drops them as they fail.
            while ((listed = await http.GetAsync("/api/experiments")).StatusCode != HttpStatusCode.OK)
            {
                listed.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
                clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "the app should reconnect by itself");
                await Task.Delay(200);
            }
            JsonNode.Parse(await listed.Content.ReadAsStringAsync())!["items"]!.AsArray()
                .Select(e => e!["name"]!.GetValue<string>()).Should().Equal("before the outage");
            (await http.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
            await server.DisposeAsync();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
