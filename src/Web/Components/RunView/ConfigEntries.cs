using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dashboard.Web.Components.RunView;

/// <summary>A config as flat rows ("model.width" = 512), the way a table or a diff shows it.</summary>
public static class ConfigEntries
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Leaves of the JSON object by dotted path, in the config's own order; arrays stay whole.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Flatten(string? json)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (Parse(json) is JsonObject root) Walk(root, "", result);
        return result;
    }

    public static string Pretty(string? json) => Parse(json)?.ToJsonString(Indented) ?? json ?? "";

    /// <summary>A JSON value as a person reads it: strings without quotes, the rest as compact JSON.</summary>
    public static string Text(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    private static void Walk(JsonObject node, string prefix, List<KeyValuePair<string, string>> into)
    {
        foreach (var (name, value) in node)
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            if (value is JsonObject child && child.Count > 0) Walk(child, path, into);
            else into.Add(new(path, Text(value)));
        }
    }

    private static JsonNode? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try { return JsonNode.Parse(json); }
        catch (JsonException) { return null; }
    }
}
