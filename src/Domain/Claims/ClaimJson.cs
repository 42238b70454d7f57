using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Metrics;

namespace Dashboard.Domain.Claims;

/// <summary>
/// Claims as JSON (an experiment's "claims", in its JSON or YAML request, and as stored). One claim:
/// <code>
/// {"name": "mhc-gain-bounded", "statement": "mHC's gain proxy stays ≤ 0 at every depth",
///  "seed": "−0.602 at 12, 24 and 48 layers", "seed_values": [-0.602],
///  "metric": "gain_proxy", "reading": "final" | "min" | "max" | "step:100",
///  "runs": {"variant": "mhc"}, "per": "depth",
///  "aggregate": "median" | "mean" | "count:bounded" | "count:diverged" | "count:finite",
///  "versus": {"runs": {"config": "baseline"}, "as": "ratio" | "difference" | "percent"},
///  "test": "<= 0" | ">= 9" | "within 10% of 1.203" | "within 0.01 of -0.602" | "all" | "flat within 0.05"
///          | "increasing" | "decreasing" | "first: lazy_proj_10_scalar" | "order: a, b, c (spearman >= 0.8)",
///  "higher_is_better": false, "min_runs": 3}
/// </code>
/// </summary>
public static partial class ClaimJson
{
    public const int MaxClaims = 50;
    private static readonly HashSet<string> Fields =
        ["name", "statement", "seed", "seed_values", "metric", "reading", "runs", "per", "aggregate", "versus", "test", "higher_is_better", "min_runs"];

    public static IReadOnlyList<ClaimDefinition> Parse(JsonNode? node, string field = "claims")
    {
        if (node is null) return [];
        if (node is not JsonArray array) throw new InvalidInputException(field, "must be an array of claims.");
        var errors = new List<ValidationError>();
        var claims = new List<ClaimDefinition>();
        if (array.Count > MaxClaims) errors.Add(new(field, $"at most {MaxClaims} claims."));
        for (var i = 0; i < array.Count; i++)
        {
            var at = $"{field}[{i}]";
            if (array[i] is not JsonObject o) { errors.Add(new(at, "must be an object with at least name, statement, metric and test.")); continue; }
            if (ParseOne(o, at, errors) is { } claim)
            {
                if (claims.Any(c => c.Name == claim.Name)) errors.Add(new($"{at}.name", $"'{claim.Name}' is already the name of another claim."));
                claims.Add(claim);
            }
        }
        if (errors.Count > 0) throw new InvalidInputException(errors);
        return claims;
    }

    private static ClaimDefinition? ParseOne(JsonObject o, string at, List<ValidationError> errors)
    {
        var before = errors.Count;
        foreach (var (name, _) in o)
            if (!Fields.Contains(name)) errors.Add(new($"{at}.{name}", $"is not a field of a claim; fields: {string.Join(", ", Fields)}."));
        var name1 = Text(o, "name", at, errors)?.Trim();
        if (name1 is { Length: 0 or > 100 }) errors.Add(new($"{at}.name", "must be 1 to 100 characters."));
        var statement = Text(o, "statement", at, errors) ?? "";
        var seed = Text(o, "seed", at, errors, optional: true) ?? "";
        var seedValues = new List<double>();
        if (o["seed_values"] is { } sv)
        {
            if (sv is JsonArray values && values.All(v => v is JsonValue x && x.TryGetValue<double>(out _)))
                seedValues.AddRange(values.Select(v => v!.GetValue<double>()));
            else errors.Add(new($"{at}.seed_values", "must be an array of numbers."));
        }
        var metric = Text(o, "metric", at, errors);
        if (metric is not null && !MetricKey.IsValid(metric)) errors.Add(new($"{at}.metric", MetricKey.Describe(metric)));
        var reading = Reading(metric ?? "", Text(o, "reading", at, errors, optional: true) ?? "final", $"{at}.reading", errors);
        var runs = Selection(o["runs"], $"{at}.runs", errors);
        var per = Text(o, "per", at, errors, optional: true);
        var aggregate = Aggregate(Text(o, "aggregate", at, errors, optional: true) ?? "median", $"{at}.aggregate", errors);
        Versus? versus = null;
        if (o["versus"] is { } v)
        {
            if (v is not JsonObject vo) errors.Add(new($"{at}.versus", "must be an object like {\"runs\": {\"config\": \"baseline\"}, \"as\": \"ratio\"}."));
            else
            {
                var kind = (vo["as"] as JsonValue)?.TryGetValue<string>(out var s) == true ? s : "ratio";
                if (!Enum.TryParse<VersusKind>(kind, ignoreCase: true, out var asKind))
                    errors.Add(new($"{at}.versus.as", "must be 'ratio', 'difference' or 'percent'."));
                versus = new Versus(Selection(vo["runs"], $"{at}.versus.runs", errors), asKind);
            }
        }
        var test = Test(Text(o, "test", at, errors) ?? "", $"{at}.test", errors);
        var higher = false;
        if (o["higher_is_better"] is { } h && !(h is JsonValue hv && hv.TryGetValue(out higher)))
            errors.Add(new($"{at}.higher_is_better", "must be true or false."));
        int? minRuns = null;
        if (o["min_runs"] is { } m)
        {
            if (m is JsonValue mv && mv.TryGetValue<int>(out var n) && n is >= 1 and <= 10_000) minRuns = n;
            else errors.Add(new($"{at}.min_runs", "must be an integer from 1 to 10000."));
        }
        if (test is { AcrossGroups: true } && per is null)
            errors.Add(new($"{at}.per", $"'{test.Text}' compares groups: name the axis whose values are the groups (\"per\": \"depth\")."));
        if (test?.Relation == Relation.All && aggregate?.Kind != AggregateKind.Count)
            errors.Add(new($"{at}.test", "'all' is a test of a count: use an aggregate like \"count:bounded\"."));
        if (errors.Count > before || test is null || aggregate is null || reading is null) return null;
        return new ClaimDefinition(name1!, statement, seed, seedValues, reading, runs, aggregate, test)
        {
            Per = per, Versus = versus, HigherIsBetter = higher, MinRuns = minRuns,
        };
    }

    public static JsonArray ToJson(IEnumerable<ClaimDefinition> claims) => new(claims.Select(c => (JsonNode?)ToJson(c)).ToArray());

    public static JsonObject ToJson(ClaimDefinition c)
    {
        var o = new JsonObject
        {
            ["name"] = c.Name, ["statement"] = c.Statement, ["seed"] = c.SeedFigure,
            ["seed_values"] = new JsonArray(c.SeedValues.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            ["metric"] = c.Metric.Key, ["reading"] = c.Metric.ReadingText, ["runs"] = c.Runs.ToJson(),
            ["aggregate"] = c.Aggregate.Text, ["test"] = c.Test.Text,
        };
        if (c.Per is not null) o["per"] = c.Per;
        if (c.Versus is { } v) o["versus"] = new JsonObject { ["runs"] = v.Runs.ToJson(), ["as"] = v.Text };
        if (c.HigherIsBetter) o["higher_is_better"] = true;
        if (c.MinRuns is { } n) o["min_runs"] = n;
        return o;
    }

    private static MetricReading? Reading(string metric, string text, string field, List<ValidationError> errors)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "final": return new MetricReading(metric);
            case "min": return new MetricReading(metric, ReadingKind.Min);
            case "max": return new MetricReading(metric, ReadingKind.Max);
            case var s when s.StartsWith("step:", StringComparison.Ordinal)
                            && long.TryParse(s[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var step):
                return new MetricReading(metric, ReadingKind.AtStep, step);
            default:
                errors.Add(new(field, $"'{text}' is not a reading; use 'final', 'min', 'max' or 'step:N'."));
                return null;
        }
    }

    private static ClaimAggregate? Aggregate(string text, string field, List<ValidationError> errors)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "median": return ClaimAggregate.Median;
            case "mean": return ClaimAggregate.Mean;
            case var s when s.StartsWith("count:", StringComparison.Ordinal) && Enum.TryParse<RunCondition>(s[6..], true, out var c)
                            && !int.TryParse(s[6..], out _):
                return ClaimAggregate.Count(c);
            default:
                errors.Add(new(field, $"'{text}' is not an aggregate; use 'median', 'mean', 'count:bounded', 'count:diverged' or 'count:finite'."));
                return null;
        }
    }

    [GeneratedRegex(@"^(?:(?<op><=|≤|>=|≥)\s*(?<v>\S+)|within\s+(?<t>[^\s%]+)\s*(?<pct>%)?\s+of\s+(?<v>\S+)|flat\s+within\s+(?<t>\S+)|(?<word>all|increasing|decreasing)|first:\s*(?<first>.+)|order:\s*(?<order>[^(]+?)\s*(?:\(\s*spearman\s*(?:>=|≥)\s*(?<v>\S+)\s*\))?)$",
        RegexOptions.IgnoreCase)]
    private static partial Regex TestGrammar();

    private static ClaimTest? Test(string text, string field, List<ValidationError> errors)
    {
        var m = TestGrammar().Match(text.Trim());
        double Number(string group, double fallback)
        {
            if (!m.Groups[group].Success) return fallback;
            var s = m.Groups[group].Value.Replace('−', '-');
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) return d;
            errors.Add(new(field, $"'{m.Groups[group].Value}' is not a number."));
            return double.NaN;
        }
        if (!m.Success)
        {
            errors.Add(new(field, $"'{text}' is not a test; use '<= v', '>= v', 'within t of v', 'within t% of v', 'all', " +
                                  "'flat within t', 'increasing', 'decreasing', 'first: name' or 'order: a, b, c (spearman >= 0.8)'."));
            return null;
        }
        var count = errors.Count;
        ClaimTest test;
        if (m.Groups["op"].Success)
            test = new(m.Groups["op"].Value is "<=" or "≤" ? Relation.AtMost : Relation.AtLeast, Number("v", 0));
        else if (m.Groups["pct"].Success || text.TrimStart().StartsWith("within", StringComparison.OrdinalIgnoreCase))
            test = new(Relation.Within, Number("v", 0), Number("t", 0), m.Groups["pct"].Success);
        else if (m.Groups["t"].Success) test = new(Relation.Flat, Tolerance: Number("t", 0));
        else if (m.Groups["word"].Success)
            test = new(Enum.Parse<Relation>(m.Groups["word"].Value, ignoreCase: true));
        else if (m.Groups["first"].Success) test = new(Relation.RanksFirst, Expected: [m.Groups["first"].Value.Trim()]);
        else
        {
            var order = m.Groups["order"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (order.Length < 2) errors.Add(new(field, "an order lists at least two groups, separated by commas."));
            test = new(Relation.Order, Number("v", 1), Expected: order);
        }
        if (test.Tolerance < 0) errors.Add(new(field, "a tolerance must not be negative."));
        return errors.Count > count ? null : test;
    }

    private static RunSelection Selection(JsonNode? node, string field, List<ValidationError> errors)
    {
        switch (node)
        {
            case null: return RunSelection.All;
            case JsonObject o:
                var axes = new List<KeyValuePair<string, IReadOnlyList<string>>>();
                foreach (var (axis, value) in o)
                {
                    IReadOnlyList<string> values = value switch
                    {
                        JsonArray a when a.Count > 0 && a.All(x => x is JsonValue) => a.Select(SweepConfig.Show).ToList(),
                        JsonValue single => [SweepConfig.Show(single)],
                        _ => [],
                    };
                    if (values.Count == 0) errors.Add(new($"{field}.{axis}", "must be a value or a non-empty array of values."));
                    else axes.Add(KeyValuePair.Create(axis, values));
                }
                return new RunSelection(axes);
            default:
                errors.Add(new(field, "must be an object of axis values, e.g. {\"variant\": \"mhc\", \"depth\": [12, 24]}."));
                return RunSelection.All;
        }
    }

    private static string? Text(JsonObject o, string name, string at, List<ValidationError> errors, bool optional = false)
    {
        switch (o[name])
        {
            case null:
                if (!optional) errors.Add(new($"{at}.{name}", "is required."));
                return null;
            case JsonValue v when v.TryGetValue<string>(out var s): return s;
            default:
                errors.Add(new($"{at}.{name}", "must be a string."));
                return null;
        }
    }
}
