using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Dashboard.Domain.Sweeps;

/// <summary>Dotted paths into a JSON config ("optimizer.lr"), as used by sweep axes.</summary>
public static partial class ConfigPath
{
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z_][A-Za-z0-9_\-]*)*$")]
    private static partial Regex Shape();

    public static bool IsValid(string path) => path.Length <= 200 && Shape().IsMatch(path);

    /// <summary>Sets the field at <paramref name="path"/>, creating objects along the way.</summary>
    public static void Set(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var node = root;
        foreach (var part in parts[..^1])
        {
            if (node[part] is not JsonObject child)
            {
                child = new JsonObject();
                node[part] = child;
            }
            node = child;
        }
        node[parts[^1]] = value;
    }

    public static JsonNode? Get(JsonObject root, string path)
    {
        JsonNode? node = root;
        foreach (var part in path.Split('.'))
            node = node is JsonObject obj ? obj[part] : null;
        return node;
    }
}
