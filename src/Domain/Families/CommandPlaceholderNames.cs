using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Dashboard.Domain.Sweeps;

namespace Dashboard.Domain.Families;

/// <summary>
/// The "{field}" placeholders of a command (config paths). "${name}" is the shell's own expansion and text that is
/// not a config path ("{print $1}" in awk, "{}" in find) is no placeholder. The worker fills them in; submission
/// refuses a command whose placeholder names no config value, since the script would get the braces instead.
/// </summary>
public static partial class CommandPlaceholderNames
{
    [GeneratedRegex(@"(?<!\$)\{([A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z_][A-Za-z0-9_\-]*)*)\}")]
    public static partial Regex Pattern();

    /// <summary>The placeholder paths of <paramref name="command"/> with no value in <paramref name="config"/>, in order, once each.</summary>
    public static IReadOnlyList<string> Unresolved(string command, JsonObject config) =>
        Pattern().Matches(command).Select(m => m.Groups[1].Value).Distinct()
            .Where(path => ConfigPath.Get(config, path) is null).ToList();
}
