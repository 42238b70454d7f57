using System.Text.Json;
using Dashboard.EndToEnd.Tests.Api;
using Dashboard.EndToEnd.Tests.Clients;

namespace Dashboard.EndToEnd.Tests.Scenarios;

/// <summary>
/// Clients nobody here wrote, against the started product: a TypeScript client generated from /openapi/v1.json that
/// compiles under tsc --strict and queues, waits for and reads a command run; the official SignalR client in Node and
/// in Chromium, connecting over WebSockets with a token and receiving the run's events.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class OffTheShelfClientTests(DashboardFixture dashboard)
{
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromMinutes(3);

    private Dictionary<string, string> Environment(long? runId = null) => new()
    {
        ["DASHBOARD_URL"] = dashboard.BaseUrl.ToString().TrimEnd('/'),
        ["DASHBOARD_TOKEN"] = dashboard.ApiToken,
        ["RUN_ID"] = runId?.ToString() ?? "",
    };

    private static readonly SemaphoreSlim Compile = new(1, 1);
    private static bool _compiled;

    /// <summary>Generates the client from the running app's document and compiles every script (once per test run).</summary>
    private async Task CompileAsync()
    {
        await Compile.WaitAsync();
        try
        {
            if (_compiled) return;
            await NodeClients.RunAsync(["node_modules/openapi-typescript/bin/cli.js", $"{dashboard.BaseUrl}openapi/v1.json", "-o", "generated/api.d.ts"],
                Environment(), NodeTimeout);
            await NodeClients.RunAsync(["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"], Environment(), NodeTimeout);
            _compiled = true;
        }
        finally
        {
            Compile.Release();
        }
    }

    [Fact]
    public async Task A_client_generated_from_the_openapi_document_compiles_strict_and_queues_waits_for_and_reads_a_run()
    {
        await CompileAsync();
        var report = NodeClients.Report(await NodeClients.RunAsync(["dist/src/queue-and-read.js"], Environment(), NodeTimeout));
        report["state"]!.GetValue<string>().Should().Be("succeeded");
        report["steps"]!.AsArray().Select(s => s!.GetValue<long>()).Should().Equal(0, 1, 2, 3);
        report["values"]!.AsArray().Select(v => v!.GetValue<double>()).Should().Equal(100, 99, 98, 97);
        report["step"]!.GetValue<long>().Should().Be(3, "the API's step is the last step the run reported");
        report["totalSteps"]!.GetValue<long>().Should().Be(4);
    }

    [Fact]
    public async Task The_official_signalr_client_in_node_connects_over_websockets_with_a_token_and_receives_the_run_s_events()
    {
        await CompileAsync();
        using var api = dashboard.Api();
        var created = await api.CreateExperimentAsync(CommandExperiments.Request(
            CommandExperiments.UniqueName("node hub"), CommandExperiments.LossCurve(steps: 12, delaySeconds: 0.25), totalSteps: 12));
        var runId = created.RunIds.Single();

        var report = NodeClients.Report(await NodeClients.RunAsync(["dist/src/hub-watch.js"], Environment(runId), NodeTimeout));

        report["transport"]!.GetValue<string>().Should().Be("WebSocketTransport");
        report["appended"]!.GetValue<int>().Should().BeGreaterThan(0, "metric batches arrive while the run prints");
        var last = report["changed"]!.AsArray().Last()!;
        last["state"]!.GetValue<string>().Should().Be("succeeded");
        last["step"]!.GetValue<long>().Should().Be(11, "the last step the run reported");
        report["refused"]!.GetValue<string>().Should().Contain("987654321");
    }

    [Fact]
    public async Task The_official_signalr_client_in_chromium_sends_its_token_in_the_query_over_websockets_and_receives_events()
    {
        // A stranger's browser (no cookies) on the dashboard's origin: only the token lets it in.
        await using var context = await dashboard.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var sockets = new List<string>();
        page.WebSocket += (_, socket) => sockets.Add(socket.Url);
        await page.GotoAsync(new Uri(dashboard.BaseUrl, "/signin").ToString());
        await page.AddScriptTagAsync(new() { Path = Path.Combine(NodeClients.Folder, "node_modules/@microsoft/signalr/dist/browser/signalr.min.js") });

        // Long enough to be running while the page connects on a loaded machine; cancelled once an event arrived.
        using var api = dashboard.Api();
        var created = await api.CreateExperimentAsync(CommandExperiments.Request(
            CommandExperiments.UniqueName("browser hub"), CommandExperiments.LossCurve(steps: 300, delaySeconds: 0.2), totalSteps: 300));
        var runId = created.RunIds.Single();
        var report = await page.EvaluateAsync<JsonElement>("""
            async ([token, runId]) => {
              const hub = new signalR.HubConnectionBuilder()
                .withUrl("/hubs/runs", { accessTokenFactory: () => token, transport: signalR.HttpTransportType.WebSockets })
                .build();
              let appended = 0;
              const first = new Promise(resolve => hub.on("metricsAppended", e => { if (e.runId === runId) { appended++; resolve(); } }));
              await hub.start();
              const current = await hub.invoke("Watch", runId);
              await Promise.race([first, new Promise((_, reject) => setTimeout(() => reject(new Error("no metricsAppended in 90 s")), 90000))]);
              await hub.stop();
              return { state: current.state, appended };
            }
            """, new object[] { dashboard.ApiToken, runId });

        report.GetProperty("appended").GetInt32().Should().BeGreaterThan(0);
        sockets.Should().ContainSingle().Which.Should().Contain("/hubs/runs?id=").And.Contain("access_token=");
        await api.CancelRunAsync(runId);
        await api.WaitForFinishAsync(runId, TimeSpan.FromMinutes(1));
    }
}
