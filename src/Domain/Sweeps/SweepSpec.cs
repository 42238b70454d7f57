using System.Text.Json.Nodes;

namespace Dashboard.Domain.Sweeps;

/// <summary>
/// A grid over named axes times seeds. JSON form:
/// <c>{"axes": {"variant": ["hc", "mhc"], "depth": [12, 24]}, "seeds": [0, 1, 2]}</c>; "seeds" may also be
/// a count N, meaning seeds 0..N-1. Runs are the product of the axes in the order given (the last axis
/// varies fastest), with seeds innermost.
/// <para>
/// A sweep may also list named configs, for runs that are hand-picked rather than a grid:
/// <c>{"configs": {"baseline": {}, "lazy_proj_10": {"projection_every": 10}}}</c>. Each named config sets its
/// fields over the base config; the configs are the outermost loop (times the grid, times the seeds), and a
/// run's axis values name its config under "config".
/// </para>
/// </summary>
public sealed record SweepSpec(IReadOnlyList<SweepAxis> Axes, IReadOnlyList<long> Seeds)
{
    public const int MaxRuns = 10_000;

    /// <summary>The key under which a run's axis values name its config from <see cref="Configs"/>.</summary>
    public const string ConfigKey = "config";

    public static readonly SweepSpec Single = new([], []);

    /// <summary>Named configs (empty: none, the grid alone).</summary>
    public IReadOnlyList<NamedConfig> Configs { get; init; } = [];

    public int RunCount => Axes.Aggregate(Math.Max(1, Seeds.Count) * Math.Max(1, Configs.Count), (count, axis) => count * axis.Values.Count);

    public static SweepSpec Parse(JsonNode? node, string field = "sweep")
    {
        if (node is null) return Single;
        if (node is not JsonObject obj)
            throw new InvalidInputException(field, "must be an object like {\"axes\": {\"lr\": [0.1, 0.01]}, \"seeds\": 3}.");

        var errors = new List<ValidationError>();
        foreach (var (name, _) in obj)
            if (name is not ("axes" or "seeds" or "configs"))
                errors.Add(new($"{field}.{name}", "is not a sweep field; use 'axes', 'configs' and 'seeds'."));

        var axes = new List<SweepAxis>();
        switch (obj["axes"])
        {
            case null: break;
            // An empty sweep ({"axes": {}} and nothing else) would read as one run; say so rather than guess what
            // was meant. Empty axes beside seeds or configs are the stored form of such sweeps, and fine.
            case JsonObject { Count: 0 } when obj["seeds"] is null && obj["configs"] is null:
                errors.Add(new($"{field}.axes", "is empty: name at least one axis (or seeds or configs); leave 'sweep' out for a single run."));
                break;
            case JsonObject axisObject:
                foreach (var (path, values) in axisObject)
                {
                    var axisField = $"{field}.axes.{path}";
                    if (!ConfigPath.IsValid(path))
                        errors.Add(new(axisField, "axis names are config field paths like 'lr' or 'optimizer.lr'."));
                    else if (path == "seed")
                        errors.Add(new(axisField, "sweep seeds with 'seeds', not an axis."));
                    else if (values is not JsonArray array || array.Count == 0)
                        errors.Add(new(axisField, "must be a non-empty array of values."));
                    else
                        axes.Add(new(path, array.Select(v => v?.DeepClone()).ToList()));
                }
                break;
            default:
                errors.Add(new($"{field}.axes", "must be an object mapping config paths to arrays of values."));
                break;
        }

        var configs = new List<NamedConfig>();
        switch (obj["configs"])
        {
            case null: break;
            case JsonObject configObject when configObject.Count > 0:
                foreach (var (name, values) in configObject)
                {
                    var configField = $"{field}.configs.{name}";
                    if (name.Length is 0 or > 100)
                    {
                        errors.Add(new(configField, "config names are 1 to 100 characters."));
                        continue;
                    }
                    if (values is not JsonObject fields)
                    {
                        errors.Add(new(configField, "must be an object of config fields and their values, e.g. {\"lr\": 0.01}."));
                        continue;
                    }
                    var pairs = new List<KeyValuePair<string, JsonNode?>>();
                    foreach (var (path, value) in fields)
                    {
                        if (!ConfigPath.IsValid(path))
                            errors.Add(new($"{configField}.{path}", "config fields are paths like 'lr' or 'optimizer.lr'."));
                        else if (path == "seed")
                            errors.Add(new($"{configField}.{path}", "sweep seeds with 'seeds', not in a config."));
                        else
                            pairs.Add(KeyValuePair.Create(path, value?.DeepClone()));
                    }
                    configs.Add(new NamedConfig(name, pairs));
                }
                break;
            default:
                errors.Add(new($"{field}.configs", "must be a non-empty object mapping config names to objects of config fields."));
                break;
        }
        if (configs.Count > 0 && axes.Any(a => a.Path == ConfigKey))
            errors.Add(new($"{field}.axes.{ConfigKey}", "runs of a sweep with configs are named by 'config': rename this axis."));
        foreach (var axis in axes)
            if (configs.FirstOrDefault(c => c.Values.Any(v => v.Key == axis.Path)) is { } clash)
                errors.Add(new($"{field}.configs.{clash.Name}.{axis.Path}", "is also a sweep axis; set it in one place."));

        var seeds = new List<long>();
        switch (obj["seeds"])
        {
            case null: break;
            case JsonValue count when count.TryGetValue<long>(out var n):
                if (n is < 1 or > MaxRuns) errors.Add(new($"{field}.seeds", $"a seed count must be between 1 and {MaxRuns}."));
                else for (long s = 0; s < n; s++) seeds.Add(s);
                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is JsonValue v && v.TryGetValue<long>(out var seed)) seeds.Add(seed);
                    else errors.Add(new($"{field}.seeds[{i}]", "must be an integer."));
                }
                if (list.Count == 0) errors.Add(new($"{field}.seeds", "must not be empty."));
                if (seeds.Distinct().Count() != seeds.Count) errors.Add(new($"{field}.seeds", "must not repeat a seed."));
                break;
            default:
                errors.Add(new($"{field}.seeds", "must be a count or an array of integer seeds."));
                break;
        }

        if (errors.Count > 0) throw new InvalidInputException(errors);
        var spec = new SweepSpec(axes, seeds) { Configs = configs };
        if (CountRuns(axes, seeds.Count, configs.Count) is var (runs, exact) && runs > MaxRuns)
            throw new InvalidInputException(field,
                $"expands to {(exact ? runs.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"more than {MaxRuns}")} runs; " +
                $"at most {MaxRuns} are allowed in one experiment.");
        return spec;
    }

    /// <summary>
    /// How many runs the grid makes, counted with checked arithmetic that stops once past <see cref="MaxRuns"/>:
    /// 64 axes of two values are 2^64 runs, which a plain product wraps to 0. Exact is false when it stopped early.
    /// </summary>
    private static (long Runs, bool Exact) CountRuns(IReadOnlyList<SweepAxis> axes, int seeds, int configs)
    {
        var runs = checked((long)Math.Max(1, seeds) * Math.Max(1, configs));
        foreach (var axis in axes)
        {
            if (runs > MaxRuns) return (runs, false);
            runs = checked(runs * axis.Values.Count);
        }
        return (runs, true);
    }

    /// <summary>The JSON form that <see cref="Parse"/> reads back; "seeds" and "configs" are left out when there are none.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["axes"] = new JsonObject(Axes.Select(a =>
                KeyValuePair.Create(a.Path, (JsonNode?)new JsonArray(a.Values.Select(v => v?.DeepClone()).ToArray())))),
        };
        if (Seeds.Count > 0) json["seeds"] = new JsonArray(Seeds.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        if (Configs.Count > 0)
            json["configs"] = new JsonObject(Configs.Select(c => KeyValuePair.Create(c.Name,
                (JsonNode?)new JsonObject(c.Values.Select(v => KeyValuePair.Create(v.Key, v.Value?.DeepClone()))))));
        return json;
    }

    /// <summary>Every run of the sweep over <paramref name="baseConfig"/>, which is left unchanged.</summary>
    public IReadOnlyList<SweepPoint> Expand(JsonObject baseConfig)
    {
        var points = new List<SweepPoint>(RunCount);
        IReadOnlyList<long?> seeds = Seeds.Count == 0 ? [null] : Seeds.Select(s => (long?)s).ToList();
        if (Configs.Count == 0) ExpandGrid(baseConfig, null, seeds, points);
        foreach (var named in Configs) ExpandGrid(baseConfig, named, seeds, points);
        return points;
    }

    private void ExpandGrid(JsonObject baseConfig, NamedConfig? named, IReadOnlyList<long?> seeds, List<SweepPoint> points)
    {
        var combination = new int[Axes.Count];
        while (true)
        {
            foreach (var seed in seeds)
            {
                var config = (JsonObject)baseConfig.DeepClone();
                var axisValues = new JsonObject();
                if (named is not null)
                {
                    axisValues[ConfigKey] = named.Name;
                    foreach (var (path, value) in named.Values) ConfigPath.Set(config, path, value?.DeepClone());
                }
                for (var a = 0; a < Axes.Count; a++)
                {
                    var value = Axes[a].Values[combination[a]];
                    ConfigPath.Set(config, Axes[a].Path, value?.DeepClone());
                    axisValues[Axes[a].Path] = value?.DeepClone();
                }
                if (seed is { } s) config["seed"] = s;
                points.Add(new SweepPoint(points.Count, config, seed, axisValues));
            }
            if (!Advance(combination)) return;
        }
    }

    private bool Advance(int[] combination)
    {
        for (var a = Axes.Count - 1; a >= 0; a--)
        {
            if (++combination[a] < Axes[a].Values.Count) return true;
            combination[a] = 0;
        }
        return false;
    }
}
