using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.Domain.Families;

namespace Dashboard.Web.Editing;

/// <summary>
/// Converts between what a form input holds (text) and a config value (JSON) for a field's type. Text that
/// does not read as the type is passed on as a string, so the family's own validation reports it in the
/// same words the API would ("must be an integer, got \"abc\"").
/// </summary>
public static class FieldText
{
    /// <summary>The value typed for a field; null for an empty input (the default then applies).</summary>
    public static JsonNode? ToValue(ConfigFieldType type, string? text)
    {
        var trimmed = text?.Trim() ?? "";
        switch (type)
        {
            case ConfigFieldType.Text: return string.IsNullOrEmpty(text) ? null : JsonValue.Create(text);
            case ConfigFieldType.TextMap: return Environment(text);
        }
        if (trimmed.Length == 0) return null;
        return type switch
        {
            ConfigFieldType.Integer when long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) => JsonValue.Create(i),
            ConfigFieldType.Integer or ConfigFieldType.Number when double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                && double.IsFinite(d) => JsonValue.Create(d),
            ConfigFieldType.Boolean when bool.TryParse(trimmed, out var b) => JsonValue.Create(b),
            _ => JsonValue.Create(trimmed),
        };
    }

    /// <summary>An untyped parameter (a command's extra field): JSON when it reads as JSON (3, 0.1, true, [1, 2]), else text.</summary>
    public static JsonNode? ToLooseValue(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0) return JsonValue.Create("");
        try
        {
            if (JsonNode.Parse(trimmed) is { } parsed && (parsed is not JsonValue || parsed.GetValueKind() != JsonValueKind.String || trimmed.StartsWith('"')))
                return parsed;
        }
        catch (JsonException) { }
        return JsonValue.Create(trimmed);
    }

    /// <summary>How a value shows in an input: numbers as written, strings without quotes, maps as KEY=value lines.</summary>
    public static string ToText(JsonNode? value) => value switch
    {
        null => "",
        JsonObject map => string.Join("\n", map.Select(p => $"{p.Key}={(p.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : p.Value?.ToJsonString())}")),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && ConfigValue.Number(v) is { } d && ConfigValue.Integer(v) is null
            => d.ToString("R", CultureInfo.InvariantCulture),
        _ => value.ToJsonString(),
    };

    /// <summary>Several values separated by commas ("0.1, 0.01"), or a JSON array ("[0.1, 0.01]").</summary>
    public static List<JsonNode?> ToValues(string? text, Func<string, JsonNode?> one)
    {
        var trimmed = text?.Trim() ?? "";
        if (trimmed.StartsWith('['))
        {
            try { if (JsonNode.Parse(trimmed) is JsonArray array) return array.Select(v => v?.DeepClone()).ToList(); }
            catch (JsonException) { }
        }
        return trimmed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(one).ToList();
    }

    public static string ToValuesText(IEnumerable<JsonNode?> values) => string.Join(", ", values.Select(ToText));

    /// <summary>KEY=value lines; a line without '=' becomes a key with an empty value, so nothing typed is dropped.</summary>
    private static JsonNode? Environment(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var map = new JsonObject();
        foreach (var line in text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = line.IndexOf('=');
            map[equals < 0 ? line : line[..equals].Trim()] = equals < 0 ? "" : line[(equals + 1)..];
        }
        return map;
    }
}
