using System.Globalization;

namespace Dashboard.Worker.Execution.Commands;

/// <summary>The variables a command gets on top of the worker's own environment.</summary>
internal static class CommandEnvironment
{
    public const string RunId = "DASHBOARD_RUN_ID";
    public const string Seed = "DASHBOARD_SEED";
    public const string OutputDir = "DASHBOARD_OUTPUT_DIR";
    public const string Config = "DASHBOARD_CONFIG";
    public const string Attempt = "DASHBOARD_ATTEMPT";

    /// <summary>
    /// Removes what the worker was given to reach the database and the dashboard (the connection string with its
    /// password, the dashboard's settings, libpq's PG* variables, the S3 keys of the artifact store when given as the
    /// standard AWS_* variables) from a command's environment: it is the user's code. A run that needs keys of its
    /// own passes them in its config's env.
    /// </summary>
    public static void ScrubWorkerSecrets(IDictionary<string, string?> environment)
    {
        foreach (var name in environment.Keys.ToList())
            if (name.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("Dashboard__", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("Dashboard:", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("PG", StringComparison.Ordinal) ||
                name is "AWS_ACCESS_KEY_ID" or "AWS_SECRET_ACCESS_KEY" or "AWS_SESSION_TOKEN")
                environment.Remove(name);
    }

    public static Dictionary<string, string> For(RunContext context, CommandSettings settings)
    {
        // Python buffers stdout when it is a pipe, which would hold metrics back until the buffer fills;
        // the user's env may still turn that back on.
        var variables = new Dictionary<string, string>(StringComparer.Ordinal) { ["PYTHONUNBUFFERED"] = "1" };
        foreach (var (name, value) in settings.Environment) variables[name] = value;

        // Set last, so a script can rely on them whatever the user's env says.
        variables[RunId] = context.RunId.ToString(CultureInfo.InvariantCulture);
        variables[OutputDir] = context.OutputFolder.FullName;
        variables[Config] = context.Config.ToJsonString();
        variables[Attempt] = context.Attempt.ToString(CultureInfo.InvariantCulture);
        if (context.Seed is { } seed) variables[Seed] = seed.ToString(CultureInfo.InvariantCulture);
        else variables.Remove(Seed);
        return variables;
    }
}
