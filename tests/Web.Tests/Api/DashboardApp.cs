using Dashboard.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dashboard.Web.Tests.Api;

/// <summary>The web app in-process over a fresh migrated database, shared by the API tests.</summary>
public sealed class DashboardApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";
    public string ArtifactsDirectory { get; } = Path.Combine(Path.GetTempPath(), "web-artifacts-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync() => ConnectionString = await MigratedDatabase.CreateAsync("web");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Dashboard", ConnectionString);
        builder.UseSetting("Dashboard:ArtifactsDirectory", ArtifactsDirectory);
        builder.UseSetting("Dashboard:LocalWorker:Path", "");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (Directory.Exists(ArtifactsDirectory)) Directory.Delete(ArtifactsDirectory, recursive: true);
    }
}
