using System.Globalization;

namespace Dashboard.Web.Access;

/// <summary>
/// Sign-in settings, from the "Dashboard" configuration section (environment: Dashboard__Admin__UserName …):
/// the first admin (created only while there is no user), sign-in attempts allowed per minute for one
/// user name from one address, how long a session lasts unused, and where the cookie-encryption keys live.
/// </summary>
public sealed record AccessOptions
{
    public string? AdminUserName { get; init; }
    public string? AdminPassword { get; init; }
    public int SignInAttemptsPerMinute { get; init; } = 5;
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromDays(14);
    /// <summary>Default: keys/ under the data directory. Several web processes behind one address need the same folder.</summary>
    public string? KeysDirectory { get; init; }

    public static AccessOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Dashboard");
        var defaults = new AccessOptions();
        return new AccessOptions
        {
            AdminUserName = section["Admin:UserName"],
            AdminPassword = section["Admin:Password"],
            SignInAttemptsPerMinute = section["SignIn:AttemptsPerMinute"] is { Length: > 0 } a
                ? int.Parse(a, CultureInfo.InvariantCulture) : defaults.SignInAttemptsPerMinute,
            SessionLifetime = section["SignIn:SessionDays"] is { Length: > 0 } d
                ? TimeSpan.FromDays(double.Parse(d, CultureInfo.InvariantCulture)) : defaults.SessionLifetime,
            KeysDirectory = section["KeysDirectory"],
        };
    }
}
