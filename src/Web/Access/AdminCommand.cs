using Dashboard.Domain;
using Dashboard.Domain.Access;
using Dashboard.Infrastructure.Access;
using Dashboard.Infrastructure.Database;
using Dashboard.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Dashboard.Web.Access;

/// <summary>
/// <c>dotnet Dashboard.Web.dll admin add NAME [--display-name TEXT] [--password-stdin]</c> adds an admin;
/// <c>admin reset-password NAME [--password-stdin]</c> sets a member's password and enables the account.
/// The password is read from standard input (one line) when it is redirected or --password-stdin is given,
/// otherwise asked for twice without echo. Uses the same database settings as the web app.
/// </summary>
public static class AdminCommand
{
    public const string Usage = """
        usage: dotnet Dashboard.Web.dll admin add <name> [--display-name <text>] [--password-stdin]
               dotnet Dashboard.Web.dll admin reset-password <name> [--password-stdin]
        Database settings as for the web app (ConnectionStrings__Dashboard, or the embedded one under Dashboard__DataDirectory).
        """;

    public static bool Handles(string[] args) => args is ["admin", ..];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["admin", var verb and ("add" or "reset-password"), var name, .. var rest] || name.StartsWith('-'))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        var displayName = Option(rest, "--display-name");
        // Settings as the web app reads them: appsettings, environment, and "--Key=value" arguments.
        var configuration = WebApplication.CreateBuilder(rest.Where(a => a.Contains('=')).ToArray()).Configuration;
        var options = DashboardOptions.From(configuration);
        var connectionString = configuration.GetConnectionString("Dashboard");
        if (string.IsNullOrWhiteSpace(connectionString) && DatabaseConnection.EmbeddedServerRunning(options.DataDirectory))
        {
            await Console.Error.WriteLineAsync("The dashboard is running on this data folder; add members on /account in the browser, " +
                                               "or stop the dashboard and run this again.");
            return 1;
        }
        try
        {
            var password = ReadPassword(rest.Contains("--password-stdin"));
            PasswordRules.Check(password);
            await using var database = await DatabaseConnection.OpenAsync(connectionString, options.DataDirectory, Console.Error.WriteLine);
            var db = new PooledDbContextFactory<DashboardDbContext>(
                new DbContextOptionsBuilder<DashboardDbContext>().UseNpgsql(database.DataSource).Options);
            var users = new UserStore(db, TimeProvider.System);
            var hash = new PasswordHashing().Hash(password!);
            if (verb == "add")
            {
                var user = await users.AddAsync(name, displayName, hash, isAdmin: true);
                Console.WriteLine($"Added admin '{user.UserName}'. Sign in at /signin.");
                return 0;
            }
            var existing = await users.FindByNameAsync(name) ?? throw new InvalidInputException("name", $"there is no member '{UserNames.Normalize(name)}'.");
            await users.SetPasswordHashAsync(existing.Id, hash);
            await users.SetDisabledAsync(existing.Id, disabled: false);
            Console.WriteLine($"Set the password of '{existing.UserName}'; the account is enabled.");
            return 0;
        }
        catch (InvalidInputException invalid)
        {
            await Console.Error.WriteLineAsync(invalid.Message);
            return 1;
        }
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static string? ReadPassword(bool fromStdin)
    {
        if (fromStdin || Console.IsInputRedirected) return Console.In.ReadLine();
        var first = Prompt("Password: ");
        var second = Prompt("Again:    ");
        return first == second ? first : throw new InvalidInputException("password", "the two entries differ.");
    }

    private static string Prompt(string label)
    {
        Console.Write(label);
        var text = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace) { if (text.Length > 0) text.Length--; }
            else if (!char.IsControl(key.KeyChar)) text.Append(key.KeyChar);
        }
        Console.WriteLine();
        return text.ToString();
    }
}
