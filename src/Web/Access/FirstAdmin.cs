using Dashboard.Domain.Access;
using Dashboard.Infrastructure.Access;
using Dashboard.Web.Hosting;

namespace Dashboard.Web.Access;

/// <summary>
/// Makes sure someone can sign in. With Dashboard:Admin:UserName and :Password configured, that admin is
/// created while there is no user. Otherwise, on the embedded default's first start, a local admin "admin"
/// with a random password and an API token is created; its credentials are printed once and kept in a file
/// only the owner can read. Returns the lines to print beside "Dashboard ready".
/// </summary>
public static class FirstAdmin
{
    public const string LocalAdminName = "admin";
    public const string CredentialsFileName = "first-admin.txt";

    public static async Task<IReadOnlyList<string>> EnsureAsync(IServiceProvider services, AccessOptions access, DashboardOptions options,
        bool embedded, CancellationToken ct = default)
    {
        var users = services.GetRequiredService<UserStore>();
        var passwords = services.GetRequiredService<PasswordHashing>();
        if (access.AdminUserName is { Length: > 0 } name)
        {
            if (access.AdminPassword is not { Length: > 0 } password)
                throw new InvalidOperationException("Dashboard:Admin:UserName is set but Dashboard:Admin:Password is not; set both (environment: Dashboard__Admin__Password).");
            PasswordRules.Check(password, "Dashboard:Admin:Password");
            var created = await users.AddFirstAsync(name, null, passwords.Hash(password), ct);
            return created is null ? [] : [$"Created the first admin '{created.UserName}' from configuration (Dashboard:Admin:UserName)."];
        }
        if (await users.AnyAsync(ct)) return [];
        if (!embedded)
            return ["No one can sign in yet: set Dashboard:Admin:UserName and Dashboard:Admin:Password (environment: Dashboard__Admin__UserName, " +
                    "Dashboard__Admin__Password) and restart, or run `dotnet Dashboard.Web.dll admin add <name>`."];

        var secret = SecretToken.Create()[..20];
        var admin = await users.AddFirstAsync(LocalAdminName, "Local admin", passwords.Hash(secret), ct);
        if (admin is null) return [];
        var (_, token) = await services.GetRequiredService<ApiTokenStore>().CreateAsync(admin.Id, "first start", ct);
        var file = Path.GetFullPath(Path.Combine(options.DataDirectory, CredentialsFileName));
        WriteOwnerOnly(file, $"""
            # The dashboard's first local admin, made at first start. Change the password on /account, then delete this file.
            user name: {LocalAdminName}
            password:  {secret}
            API token: {token}
            """);
        return
        [
            "",
            "  First start: a local admin was created. Sign in with",
            $"    user name  {LocalAdminName}",
            $"    password   {secret}",
            $"  and for scripts:  export DASHBOARD_TOKEN={token}",
            $"  These are shown only now; they are also in {file} (readable only by you).",
            "  Change the password on /account.",
            "",
        ];
    }

    private static void WriteOwnerOnly(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(text + Environment.NewLine);
    }
}
