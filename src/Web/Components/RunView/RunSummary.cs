using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dashboard.Web.Components.RunView;

/// <summary>
/// What a run reported about itself (runs.summary): facts such as "parameters" or "peak_gpu_memory_mb", and under
/// "final" the last value of every metric.
/// </summary>
public sealed record RunSummary(IReadOnlyList<KeyValuePair<string, string>> Facts, IReadOnlyList<KeyValuePair<string, string>> Final)
{
    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["parameters"] = "Parameters",
        ["peak_gpu_memory_mb"] = "Peak GPU memory (MiB)",
        ["device"] = "Device",
        ["seconds"] = "Training time (s)",
    };

    public static RunSummary Parse(string? json)
    {
        JsonObject? root;
        try { root = string.IsNullOrWhiteSpace(json) ? null : JsonNode.Parse(json) as JsonObject; }
        catch (JsonException) { root = null; }
        if (root is null) return new([], []);
        var facts = root.Where(p => p.Key != "final")
            .Select(p => KeyValuePair.Create(Labels.GetValueOrDefault(p.Key, p.Key), Format(p.Value)))
            .ToList();
        var final = root["final"] is JsonObject f
            ? f.Select(p => KeyValuePair.Create(p.Key, Format(p.Value))).ToList()
            : [];
        return new(facts, final);
    }

    private static string Format(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue<long>(out var n) => n.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<double>(out var d) => Metrics.MetricFormat.Value(d),
        _ => ConfigEntries.Text(value),
    };
}
