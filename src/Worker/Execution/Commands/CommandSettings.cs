using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dashboard.Worker.Execution.Commands;

/// <summary>What the command family's config asks for, read and checked once before anything starts.</summary>
internal sealed record CommandSettings(
    string Command,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    long? TotalSteps,
    IReadOnlyList<string> UnresolvedPlaceholders)
{
    /// <summary>The settings, or a reason the run cannot start (reported as a failure).</summary>
    public static (CommandSettings? Settings, string? Problem) Read(RunContext context)
    {
        var config = context.Config;
        if (config["command"] is not JsonValue commandValue || commandValue.GetValueKind() != JsonValueKind.String ||
            string.IsNullOrWhiteSpace(commandValue.GetValue<string>()))
            return (null, "the config has no 'command' to run.");
        var command = CommandPlaceholders.Substitute(commandValue.GetValue<string>(), config, out var unresolved);

        var (environment, envProblem) = ReadEnvironment(config["env"]);
        if (envProblem is not null) return (null, envProblem);

        var workingDirectory = ResolveWorkingDirectory(config["working_directory"], context.OutputFolder.FullName);
        if (!Directory.Exists(workingDirectory))
            return (null, $"the working directory '{workingDirectory}' does not exist on this worker.");

        return (new CommandSettings(command, workingDirectory, environment!, ReadTotalSteps(config), unresolved), null);
    }

    /// <summary>
    /// CommandFamily.TotalSteps reads configs parsed from JSON text, as the host's are; a config built in code
    /// holds an int where it looks for a long, so the field's JSON text is read instead, which works for both.
    /// </summary>
    private static long? ReadTotalSteps(JsonObject config) =>
        config["total_steps"] is JsonValue v && v.GetValueKind() == JsonValueKind.Number &&
        long.TryParse(v.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out var steps) && steps > 0
            ? steps
            : null;

    /// <summary>Default: the run's folder. Relative paths are taken from the run's folder too, "~/" from the worker user's home.</summary>
    private static string ResolveWorkingDirectory(JsonNode? node, string runFolder)
    {
        var path = node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        if (string.IsNullOrWhiteSpace(path)) return runFolder;
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
            path = Path.Join(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), path[1..]);
        return Path.GetFullPath(path, runFolder);
    }

    private static (Dictionary<string, string>? Environment, string? Problem) ReadEnvironment(JsonNode? node)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null) return (environment, null);
        if (node is not JsonObject variables) return (null, "'env' must be an object of names to values.");
        foreach (var (name, value) in variables)
        {
            if (name.Length == 0 || name.Contains('=') || name.Contains('\0'))
                return (null, $"'{name}' in 'env' is not a valid environment variable name.");
            // The config validator wants strings; numbers and booleans are accepted as their JSON text all the same.
            var text = value switch
            {
                null => "",
                JsonValue s when s.GetValueKind() == JsonValueKind.String => s.GetValue<string>(),
                JsonValue other => other.ToJsonString(),
                _ => null,
            };
            if (text is null || text.Contains('\0'))
                return (null, $"'env.{name}' must be a text value.");
            environment[name] = text;
        }
        return (environment, null);
    }
}
