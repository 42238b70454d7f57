using System.Text.Json;
using Dashboard.Domain.Families;
using Dashboard.Infrastructure.Artifacts;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Queue;
using Dashboard.Infrastructure.Reading;
using Dashboard.Infrastructure.Schedules;
using Dashboard.Infrastructure.Workers;
using Dashboard.Web.Access;
using Dashboard.Web.Actions;
using Dashboard.Web.Api;
using Dashboard.Web.Api.OpenApi;
using Dashboard.Web.Components;
using Dashboard.Web.Hosting;
using Dashboard.Web.Live;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.EntityFrameworkCore;

if (AdminCommand.Handles(args)) return await AdminCommand.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
    builder.WebHost.UseUrls("http://127.0.0.1:5080");

var options = DashboardOptions.From(builder.Configuration);
var access = AccessOptions.From(builder.Configuration);
// Disposed when this method ends, however it ends: a web app that cannot bind its address (or fails later in start-up)
// must not leave the embedded PostgreSQL running behind it.
await using var database = await DatabaseConnection.OpenAsync(
    builder.Configuration.GetConnectionString("Dashboard"), options.DataDirectory, Console.WriteLine);

var services = builder.Services;
services.AddSingleton(options);
services.AddSingleton(database);
services.AddSingleton(database.DataSource);
services.AddSingleton(TimeProvider.System);
services.AddSingleton(FamilyCatalogue.BuiltIn());
services.AddSingleton(sp => new RunQueue(database.DataSource, options.Queue, sp.GetRequiredService<TimeProvider>()));
services.AddSingleton<MetricQueries>();
services.AddSingleton<MetricExport>();
services.AddSingleton(new ArtifactStore(database.DataSource, options.ArtifactsPath));
services.AddDbContextFactory<DashboardDbContext>(db => db.UseNpgsql(database.DataSource));
services.AddSingleton<ExperimentList>();
services.AddSingleton<ExperimentReader>();
services.AddSingleton<QueueOverview>();
services.AddSingleton<ExperimentActions>();
services.AddSingleton<RunActions>();
services.AddSingleton(sp => new WorkerCapacity(database.DataSource, options.Queue.LeaseDuration * 3, sp.GetRequiredService<TimeProvider>()));
services.AddSingleton<ScheduleStore>();
services.AddSingleton<ScheduleFiring>();
services.AddSingleton<ScheduleActions>();
services.AddHostedService<ScheduleTicker>();
services.AddHostedService<LeaseRescue>();
services.AddHostedService<LocalWorker>();
services.AddLiveUpdates();

services.AddRazorComponents().AddInteractiveServerComponents();
services.AddCascadingAuthenticationState();
services.AddDashboardAccess(access, options); // sign-in, API tokens, review links, the View and Act policies

services.Configure<JsonOptions>(json =>
{
    json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
    json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals;
});
services.Configure<ForwardedHeadersOptions>(ProxyOptions.From(builder.Configuration).Apply); // which proxies to believe
services.AddProblemDetails();
services.AddExceptionHandler<ApiProblems>();
services.AddDashboardOpenApi(); // Api/OpenApi: security schemes, NaN-able numbers, HEAD

var app = builder.Build();
app.UseForwardedHeaders(); // first: the scheme, host and client of a request behind a known TLS proxy
app.UseExceptionHandler();
app.UseQueryTextCheck(); // %00 and lone surrogates in a query are a 400, before anything queries with them
// The API answers empty errors with problem details; pages show the dashboard's own not-found page.
app.UseWhen(http => AccessProblems.IsApi(http.Request), api => api.UseStatusCodePages()); // /api and /hubs
app.UseWhen(http => !AccessProblems.IsApi(http.Request),
    pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
app.UseRouting(); // after the re-execute above, so a re-executed request is routed again
app.UseAuthentication();
app.UseMiddleware<CrossSiteRequests>(); // other sites' pages cannot act with the session cookie
app.UseJsonBodies(); // API bodies are application/json, else 415
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapOpenApi();

var api = app.MapGroup("/api").RequireAccessByMethod() // GET needs View, anything else Act
    .AnswerHeadLikeGet()
    .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
    // Any route: a body that is not JSON (415), a database that is away (503, with Retry-After).
    .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
api.MapExperimentEndpoints();
api.MapClaimEndpoints();
api.MapRunEndpoints();
api.MapMetricEndpoints();
api.MapArtifactEndpoints();
api.MapCatalogueEndpoints();
api.MapScheduleEndpoints();
app.MapAccessEndpoints();
app.MapGet("/healthz", async (DatabaseConnection db, CancellationToken ct) =>
{
    await using var command = db.DataSource.CreateCommand("SELECT 1");
    await command.ExecuteScalarAsync(ct);
    return Results.Ok(new { status = "ok" });
}).ExcludeFromDescription();
app.MapLiveUpdates();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

var firstStart = await FirstAdmin.EnsureAsync(app.Services, access, options, database.IsEmbedded);
app.Lifetime.ApplicationStarted.Register(() =>
{
    Console.WriteLine($"Dashboard ready: open {string.Join(", ", app.Urls)} in a browser.");
    foreach (var line in firstStart) Console.WriteLine(line);
});

try
{
    await app.RunAsync();
}
catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    Console.Error.WriteLine($"error: {e.Message} Is another dashboard running there? Pick another address " +
        "(PORT=… ./scripts/start, or ASPNETCORE_URLS).");
    return 1;
}
return 0;

/// <summary>Entry point, visible to the web tests' WebApplicationFactory.</summary>
public partial class Program;
