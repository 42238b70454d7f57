using Dashboard.Infrastructure.Access;
using Dashboard.Infrastructure.Database;
using Dashboard.Testing;
using Dashboard.Web.Access;
using Dashboard.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Access;

/// <summary>The embedded default's first start makes a local admin, prints its credentials once and keeps them in an owner-only file.</summary>
public sealed class FirstAdminTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "first-admin-" + Guid.NewGuid().ToString("N"));
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("firstadmin");
        _services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddDbContextFactory<DashboardDbContext>(db => db.UseNpgsql(connectionString))
            .AddSingleton<UserStore>().AddSingleton<ApiTokenStore>().AddSingleton<PasswordHashing>()
            .BuildServiceProvider();
    }

    [Fact]
    public async Task The_embedded_first_start_creates_admin_with_a_password_and_token_that_work()
    {
        var options = new DashboardOptions { DataDirectory = _data };
        var lines = await FirstAdmin.EnsureAsync(_services, new AccessOptions(), options, embedded: true);
        var text = string.Join('\n', lines);
        text.Should().Contain("user name  admin").And.Contain("export DASHBOARD_TOKEN=dsh_").And.Contain(FirstAdmin.CredentialsFileName);

        var file = Path.Combine(_data, FirstAdmin.CredentialsFileName);
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(file).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var saved = File.ReadAllLines(file);
        var password = saved.Single(l => l.StartsWith("password:", StringComparison.Ordinal))["password:".Length..].Trim();
        var token = saved.Single(l => l.StartsWith("API token:", StringComparison.Ordinal))["API token:".Length..].Trim();
        text.Should().Contain(password).And.Contain(token);

        var admin = await _services.GetRequiredService<UserStore>().FindByNameAsync("admin");
        admin!.IsAdmin.Should().BeTrue();
        _services.GetRequiredService<PasswordHashing>().Verify(admin, password).Should().Be(PasswordHashing.Outcome.Right);
        (await _services.GetRequiredService<ApiTokenStore>().AuthenticateAsync(token))!.Id.Should().Be(admin.Id);

        (await FirstAdmin.EnsureAsync(_services, new AccessOptions(), options, embedded: true)).Should().BeEmpty("credentials are printed once");
    }

    [Fact]
    public async Task A_configured_server_without_users_says_how_to_add_one()
    {
        var lines = await FirstAdmin.EnsureAsync(_services, new AccessOptions(), new DashboardOptions { DataDirectory = _data }, embedded: false);
        lines.Single().Should().Contain("Dashboard:Admin:UserName").And.Contain("admin add");
        (await _services.GetRequiredService<UserStore>().AnyAsync()).Should().BeFalse();
    }

    [Fact]
    public async Task A_configured_admin_with_a_short_password_is_refused_clearly()
    {
        var act = () => FirstAdmin.EnsureAsync(_services, new AccessOptions { AdminUserName = "root", AdminPassword = "short" },
            new DashboardOptions { DataDirectory = _data }, embedded: false);
        (await act.Should().ThrowAsync<Dashboard.Domain.InvalidInputException>()).Which.Message.Should().Contain("Dashboard:Admin:Password");
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }
}
