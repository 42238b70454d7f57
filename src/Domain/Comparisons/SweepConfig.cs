using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dashboard.Domain.Comparisons;

/// <summary>
/// A point of a sweep without its seed: the axis values that several runs (one per seed) share. The key is
/// canonical (axes sorted by name) so that the same values always group together; the label reads as the
/// user wrote the axes ("depth=12, variant=hc").
/// </summary>
public sealed record SweepConfig(string Key, string Label, JsonObject AxisValues)
{
    public const string SingleLabel = "(single config)";

    public static SweepConfig Of(JsonObject axisValues)
    {
        var sorted = axisValues.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{JsonSerializer.Serialize(p.Key)}:{p.Value?.ToJsonString() ?? "null"}");
        var key = "{" + string.Join(",", sorted) + "}";
        var label = axisValues.Count == 0
            ? SingleLabel
            : string.Join(", ", axisValues.Select(p => $"{p.Key}={Show(p.Value)}"));
        return new SweepConfig(key, label, (JsonObject)axisValues.DeepClone());
    }

    /// <summary>A value as a person reads it: strings without quotes, numbers as written.</summary>
    public static string Show(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && double.TryParse(v.ToJsonString(),
            NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d.ToString("G", CultureInfo.InvariantCulture),
        _ => value.ToJsonString(),
    };
}
