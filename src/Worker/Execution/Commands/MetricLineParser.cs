using System.Globalization;
using System.Text.Json;
using Dashboard.Domain.Metrics;

namespace Dashboard.Worker.Execution.Commands;

/// <summary>
/// Reads the JSON-lines metric format (see README.md beside the executor): a stdout line that is a JSON
/// object is a metric record. Everything else is only log text.
/// </summary>
internal static class MetricLineParser
{
    public const string StepField = "step";
    public const string TotalStepsField = "total_steps";
    public static readonly IReadOnlyList<string> WallTimeFields = ["wall_time", "time"];

    // Unix seconds from 0001 to 9999: what DateTimeOffset can hold.
    private const double MinUnixSeconds = -62135596800;
    private const double MaxUnixSeconds = 253402300799;

    /// <summary>
    /// The record on <paramref name="line"/>; null when the line is not a JSON object, which is not an error
    /// (scripts print all sorts). <paramref name="problem"/> is set instead when the line is a JSON object
    /// that cannot be a record (a bad "step"), so the user learns why their metrics are missing.
    /// </summary>
    public static MetricRecord? Parse(string line, int maxValues, out string? problem)
    {
        problem = null;
        var text = line.Trim();
        if (text.Length < 2 || text[0] != '{' || text[^1] != '}') return null;
        using var document = ParseJson(text);
        if (document is null) return null;
        var root = document.RootElement;

        long? step = null;
        if (root.TryGetProperty(StepField, out var stepElement))
        {
            step = AsCount(stepElement);
            if (step is null)
            {
                problem = $"a metric line was skipped: \"step\" must be a whole number from 0, not {Shorten(stepElement.GetRawText())}.";
                return null;
            }
        }

        long? totalSteps = root.TryGetProperty(TotalStepsField, out var totalElement) ? AsCount(totalElement) : null;
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is StepField or TotalStepsField || WallTimeFields.Contains(property.Name)) continue;
            if (AsValue(property.Value) is not { } value) continue;
            if (!MetricKey.IsValid(property.Name))
            {
                problems.Add($"{MetricKey.Describe(Shorten(property.Name))} Its value was skipped.");
                continue;
            }
            if (values.Count >= maxValues && !values.ContainsKey(property.Name))
            {
                problems.Add($"a metric line has more than {maxValues} values; the rest were skipped.");
                break;
            }
            values[property.Name] = value;
        }
        return new MetricRecord(step, WallTime(root), totalSteps, values, problems);
    }

    private static JsonDocument? ParseJson(string text)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            if (NonFiniteLiterals.Quote(text) is not { } quoted) return null;
            try
            {
                return JsonDocument.Parse(quoted);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>A metric value: a JSON number, or one of the non-finite names as a string. Anything else is not a metric.</summary>
    private static double? AsValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => Number(element),
        JsonValueKind.String => NonFinite(element.GetString()!),
        _ => null,
    };

    private static double? NonFinite(string text) => text.Trim().ToLowerInvariant() switch
    {
        "nan" or "-nan" or "+nan" => double.NaN,
        "infinity" or "+infinity" or "inf" or "+inf" => double.PositiveInfinity,
        "-infinity" or "-inf" => double.NegativeInfinity,
        _ => null,
    };

    /// <summary>A whole number from 0 ("10" and "10.0" alike, since some scripts write floats), else null.</summary>
    private static long? AsCount(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Number) return null;
        if (element.TryGetInt64(out var whole)) return whole >= 0 ? whole : null;
        var value = Number(element);
        return value >= 0 && value < long.MaxValue && Math.Floor(value) == value ? (long)value : null;
    }

    private static DateTimeOffset? WallTime(JsonElement root)
    {
        foreach (var field in WallTimeFields)
            if (root.TryGetProperty(field, out var element) && element.ValueKind == JsonValueKind.Number &&
                Number(element) is var seconds && seconds is >= MinUnixSeconds and <= MaxUnixSeconds)
                return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        return null;
    }

    // JsonElement.GetDouble throws on numbers too large for a double (1e400); parsing the text turns them
    // into infinities, which is what they are.
    private static double Number(JsonElement number) =>
        double.Parse(number.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
