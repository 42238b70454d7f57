using Dashboard.Domain.Access;
using Dashboard.Infrastructure.Access;
using Dashboard.Web.Access;
using Dashboard.Testing;
using Dashboard.Web.Tests.OpenApi;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Api;

/// <summary>
/// The web app in-process over a fresh migrated database, shared by the tests of one class. Its first admin
/// comes from configuration (as the README tells); <see cref="CreateMemberClient"/> calls the API with that
/// admin's API token, the way scripts do.
/// </summary>
public sealed class DashboardApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminUserName = "admin";
    public const string AdminPassword = "correct horse battery";
    private readonly Lazy<string> _adminToken;

    public DashboardApp()
    {
        _adminToken = new Lazy<string>(() => CreateTokenAsync(AdminUserName).GetAwaiter().GetResult());
        _contract = new Lazy<Task<ApiContract>>(async () =>
        {
            // On Kestrel (StartKestrel) there is no in-memory test server to ask: read the document over TCP.
            using var client = _kestrel is { } address ? new HttpClient { BaseAddress = address } : Server.CreateClient();
            return ApiContract.Parse(await client.GetStringAsync("/openapi/v1.json"));
        });
        Contract = new ContractCheck(() => _contract.Value);
    }

    private readonly Lazy<Task<ApiContract>> _contract;
    private Uri? _kestrel;

    /// <summary>Checks every /api answer against the app's OpenAPI document (see <see cref="ContractCheck"/>).</summary>
    public ContractCheck Contract { get; }

    public Task<ApiContract> ApiContractAsync() => _contract.Value;

    /// <summary>The database; set it before the app starts to use another server (the outage test's own).</summary>
    public string ConnectionString { get; set; } = "";
    /// <summary>More configuration, applied after the defaults above (set before the app starts).</summary>
    public Dictionary<string, string?> Settings { get; } = new();
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "web-data-" + Guid.NewGuid().ToString("N"));
    public string ArtifactsDirectory => Path.Combine(DataDirectory, "artifacts");

    public async Task InitializeAsync()
    {
        if (ConnectionString.Length == 0) ConnectionString = await MigratedDatabase.CreateAsync("web");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Dashboard", ConnectionString);
        builder.UseSetting("Dashboard:DataDirectory", DataDirectory);
        builder.UseSetting("Dashboard:ArtifactsDirectory", ArtifactsDirectory);
        builder.UseSetting("Dashboard:LocalWorker:Path", "");
        builder.UseSetting("Dashboard:Admin:UserName", AdminUserName);
        builder.UseSetting("Dashboard:Admin:Password", AdminPassword);
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(Contract));
    }

    /// <summary>
    /// Serves on Kestrel at a free loopback port instead of the in-memory test server: requests then arrive over
    /// TCP from 127.0.0.1, and malformed ones meet the real server's parsing. Returns the address to call.
    /// </summary>
    public Uri StartKestrel()
    {
        Settings["urls"] = "http://127.0.0.1:0";
        UseKestrel(0);
        StartServer();
        return _kestrel = new Uri(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    }

    /// <summary>A client of the Kestrel server (see <see cref="StartKestrel"/>) that keeps cookies and does not follow redirects.</summary>
    public static HttpClient KestrelClient(Uri address, string? token = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = address,
        };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The first admin's API token (made once per app).</summary>
    public string AdminToken => _adminToken.Value;

    /// <summary>A client that sends <c>Authorization: Bearer</c> with the admin's token.</summary>
    public HttpClient CreateMemberClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    public async Task<string> CreateTokenAsync(string userName)
    {
        var user = await Services.GetRequiredService<UserStore>().FindByNameAsync(userName)
                   ?? throw new InvalidOperationException($"No user {userName}.");
        var (_, secret) = await Services.GetRequiredService<ApiTokenStore>().CreateAsync(user.Id, "tests");
        return secret;
    }

    /// <summary>Adds a member the way an admin does on /account.</summary>
    public Task<User> AddMemberAsync(string userName, string password, bool isAdmin = false) =>
        Services.GetRequiredService<UserStore>().AddAsync(userName, null, Services.GetRequiredService<PasswordHashing>().Hash(password), isAdmin);

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);
        if (!Contract.Violations.IsEmpty)
            throw new InvalidOperationException("Answers the OpenAPI document does not describe:\n" + string.Join("\n", Contract.Violations));
    }
}
