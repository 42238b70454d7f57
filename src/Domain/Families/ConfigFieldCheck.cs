using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dashboard.Domain.Families;

/// <summary>Checks one config value against its field's type and bounds.</summary>
public static class ConfigFieldCheck
{
    public static string? Problem(ConfigField field, JsonNode? value)
    {
        if (value is null) return field.Required ? "is required." : null;
        switch (field.Type)
        {
            case ConfigFieldType.Integer:
                if (ConfigValue.Integer(value) is { } i) return Bounds(field, i);
                return ConfigValue.Number(value) is { } d && d == Math.Floor(d) && Math.Abs(d) < 1e15
                    ? Bounds(field, d)
                    : $"must be an integer, got {Show(value)}.";
            case ConfigFieldType.Number:
                if (ConfigValue.Number(value) is not { } n || !double.IsFinite(n))
                    return $"must be a number, got {Show(value)}.";
                return Bounds(field, n);
            case ConfigFieldType.Boolean:
                return value.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : $"must be true or false, got {Show(value)}.";
            case ConfigFieldType.Text:
                return value.GetValueKind() == JsonValueKind.String ? null : $"must be a string, got {Show(value)}.";
            case ConfigFieldType.Choice:
                var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
                return text is not null && field.Choices!.Contains(text)
                    ? null
                    : $"must be one of {string.Join(", ", field.Choices!.Select(c => $"'{c}'"))}, got {Show(value)}.";
            case ConfigFieldType.TextMap:
                if (value is not JsonObject map) return $"must be an object of strings, got {Show(value)}.";
                var bad = map.FirstOrDefault(p => p.Value?.GetValueKind() != JsonValueKind.String);
                return bad.Key is null ? null : $"'{bad.Key}' must be a string.";
            default:
                return null;
        }
    }

    private static string? Bounds(ConfigField field, double value)
    {
        if (field.Min is { } min && value < min) return $"must be at least {Format(min)}, got {Format(value)}.";
        if (field.Max is { } max && value > max) return $"must be at most {Format(max)}, got {Format(value)}.";
        return null;
    }

    private static string Format(double v) => v.ToString("G", CultureInfo.InvariantCulture);

    private static string Show(JsonNode value)
    {
        var json = value.ToJsonString();
        return json.Length > 40 ? json[..40] + "…" : json;
    }
}
