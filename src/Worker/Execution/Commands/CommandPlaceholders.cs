using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dashboard.Domain.Families;
using Dashboard.Domain.Sweeps;

namespace Dashboard.Worker.Execution.Commands;

/// <summary>
/// Fills "{field}" placeholders in a command with config values, so a sweep over any parameter works with
/// any script: <c>python train.py --lr {lr} --depth {model.depth}</c>. Names are config paths, as sweep
/// axes use them.
/// </summary>
internal static class CommandPlaceholders
{
    // One pattern with submission's check (Domain), so what the API accepts is what the worker fills in.
    private static Regex Placeholder() => CommandPlaceholderNames.Pattern();

    /// <summary>
    /// The command with every placeholder that names a config value replaced by that value, as text and
    /// unquoted (the user quotes in the command where the shell needs it). Placeholders with no value stay
    /// as written and are listed in <paramref name="unresolved"/>.
    /// </summary>
    public static string Substitute(string command, JsonObject config, out IReadOnlyList<string> unresolved)
    {
        var missing = new List<string>();
        var result = Placeholder().Replace(command, match =>
        {
            var path = match.Groups[1].Value;
            if (ConfigPath.Get(config, path) is { } value) return AsText(value);
            if (!missing.Contains(path)) missing.Add(path);
            return match.Value;
        });
        unresolved = missing;
        return result;
    }

    private static string AsText(JsonNode value) =>
        value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String
            ? scalar.GetValue<string>()
            : value.ToJsonString();
}
