using System.Text.Json.Nodes;
using Dashboard.Domain.Comparisons;

namespace Dashboard.Domain.Claims;

/// <summary>
/// Which runs of an experiment a claim is about, by their axis values: each named axis must take one of the
/// listed values (<c>{"variant": ["mhc"], "depth": [12, 24]}</c>, or a named config: <c>{"config": ["baseline"]}</c>).
/// Values compare as a person reads them (12 and 12.0 are the same depth). No axes: every run.
/// </summary>
public sealed record RunSelection(IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Axes)
{
    public static readonly RunSelection All = new([]);

    public bool Matches(RunResult run) => Axes.All(a =>
        run.AxisValues.TryGetPropertyValue(a.Key, out var value) && a.Value.Contains(SweepConfig.Show(value)));

    /// <summary>The listed values of one axis, or null when the selection does not fix that axis.</summary>
    public IReadOnlyList<string>? ValuesOf(string axis) => Axes.FirstOrDefault(a => a.Key == axis).Value;

    /// <summary>This selection narrowed to one value of an axis (a group of a per-axis claim).</summary>
    public RunSelection With(string axis, string value) =>
        new([.. Axes.Where(a => a.Key != axis), KeyValuePair.Create(axis, (IReadOnlyList<string>)[value])]);

    public JsonObject ToJson() => new(Axes.Select(a => KeyValuePair.Create(a.Key,
        a.Value.Count == 1 ? Literal(a.Value[0]) : new JsonArray(a.Value.Select(Literal).ToArray()))));

    public override string ToString() => Axes.Count == 0
        ? "all runs"
        : string.Join(", ", Axes.Select(a => $"{a.Key}={string.Join("|", a.Value)}"));

    private static JsonNode? Literal(string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? d == Math.Floor(d) && Math.Abs(d) < 1e15 ? JsonValue.Create((long)d) : JsonValue.Create(d)
            : JsonValue.Create(text);
}
