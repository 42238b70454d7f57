namespace Dashboard.EndToEnd.Tests.Hosting;

/// <summary>The environment ./scripts/start gets: the test run's own, minus what would change how the product starts.</summary>
internal static class StartEnvironment
{
    public static void Apply(IDictionary<string, string?> env, DashboardStart start, string marker, string instance)
    {
        // `dotnet test` hands its MSBuild location and test-platform settings to the test host; a user's shell has
        // neither, and the publish inside ./scripts/start must find the SDK as it would from a terminal.
        foreach (var key in env.Keys.Where(k =>
                     k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) ||
                     k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) ||
                     k.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)).ToList())
            env.Remove(key);
        // The README's default: the embedded PostgreSQL, not a configured server.
        env.Remove("ConnectionStrings__Dashboard");
        env.Remove("ASPNETCORE_URLS");
        env.Remove("ASPNETCORE_ENVIRONMENT");
        env.Remove("DOTNET_ENVIRONMENT");

        env["HOST"] = "127.0.0.1";
        env["PORT"] = start.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["DEVICE"] = "cpu";
        env["Dashboard__DataDirectory"] = start.DataDirectory;
        env["Dashboard__Admin__UserName"] = start.AdminUserName;
        env["Dashboard__Admin__Password"] = start.AdminPassword;
        // No build servers or reused MSBuild nodes: they would outlive the publish inside our process group and
        // keep its output pipes open.
        env["MSBUILDDISABLENODEREUSE"] = "1";
        env["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        env["UseSharedCompilation"] = "false";
        env[marker] = instance;
    }
}
