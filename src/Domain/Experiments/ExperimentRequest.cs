using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Domain.Families;
using Dashboard.Domain.Scheduling;
using Dashboard.Domain.Sweeps;

namespace Dashboard.Domain.Experiments;

/// <summary>
/// Reads what a client sends to create an experiment (JSON from the API, or the form's model) into an
/// <see cref="ExperimentSubmission"/>, collecting every problem with the field it concerns.
/// <code>
/// {"name": "lr sweep", "family": "command", "preset": null,
///  "config": {"command": "python3 train.py --lr {lr}"}, "sweep": {"axes": {"lr": [0.1, 0.01]}, "seeds": 3},
///  "tags": ["baseline"], "owner": "ada", "notes": "", "priority": 0,
///  "schedule": "now" | "tonight" | "2026-11-23T02:00:00Z", "device": "cpu" | "cuda" | "cuda:24000",
///  "time_limit_seconds": 3600, "max_attempts": 3, "claims": [...]}   (claims: see Claims.ClaimJson)
/// </code>
/// </summary>
public static class ExperimentRequest
{
    public const int MaxTags = 20;
    private static readonly HashSet<string> KnownFields =
    [
        "name", "family", "preset", "config", "sweep", "tags", "owner", "notes", "priority", "schedule", "not_before",
        "device", "time_limit_seconds", "max_attempts", "claims",
    ];

    /// <param name="tonight">When "tonight" starts, for the "tonight" schedule (the next such time after now).</param>
    public static ExperimentSubmission Parse(JsonNode? body, FamilyCatalogue catalogue, DateTimeOffset now,
        TimeOnly tonight, TimeZoneInfo? zone = null)
    {
        if (body is not JsonObject request)
            throw new InvalidInputException("body", "must be a JSON object with at least 'family' and 'config'.");
        StoredText.Ensure(request);

        var errors = new List<ValidationError>();
        foreach (var (field, _) in request)
            if (!KnownFields.Contains(field))
                errors.Add(new(field, $"is not a field of an experiment; known fields: {string.Join(", ", KnownFields.Order())}."));

        ExperimentFamily? family = null;
        try { family = catalogue.Get(Text(request, "family", errors)); }
        catch (InvalidInputException e) { errors.AddRange(e.Errors); }

        var config = new JsonObject();
        int? presetTimeLimit = null;
        IReadOnlyList<Claims.ClaimDefinition> claims = [];
        try { claims = Claims.ClaimJson.Parse(request["claims"]); }
        catch (InvalidInputException e) { errors.AddRange(e.Errors); }
        if (family is not null)
        {
            var preset = Text(request, "preset", errors, optional: true);
            Preset? chosen = null;
            if (preset is not null)
            {
                chosen = family.Presets.FirstOrDefault(p => p.Name == preset);
                if (chosen is null)
                    errors.Add(new("preset", $"'{preset}' is not a preset of {family.Name}; presets: {string.Join(", ", family.Presets.Select(p => p.Name))}."));
            }
            switch (request["config"])
            {
                case null: break;
                case JsonObject given: config = (JsonObject)given.DeepClone(); break;
                default: errors.Add(new("config", "must be a JSON object.")); break;
            }
            if (chosen is not null)
                foreach (var (key, value) in chosen.Config)
                    if (!config.ContainsKey(key)) config[key] = value?.DeepClone();
            config = family.WithDefaults(config);
            errors.AddRange(family.Validate(config));
            if (chosen?.Sweep is not null && request["sweep"] is null) request = WithSweep(request, chosen.Sweep);
            presetTimeLimit = chosen?.TimeLimitSeconds;
            // The preset's seed claims come with it unless the request states its own.
            if (chosen is not null && request["claims"] is null) claims = chosen.Claims;
        }

        var sweep = SweepSpec.Single;
        try { sweep = SweepSpec.Parse(request["sweep"]); }
        catch (InvalidInputException e) { errors.AddRange(e.Errors); }

        // Every run's config must be valid, not just the base one: an axis or a named config can carry a bad value.
        if (family is not null && errors.Count == 0 && (sweep.Axes.Count > 0 || sweep.Configs.Count > 0))
        {
            foreach (var point in sweep.Expand(config))
            {
                var problems = family.Validate(point.Config);
                if (problems.Count == 0) continue;
                var named = point.AxisValues[SweepSpec.ConfigKey]?.GetValue<string>() is { } configName
                    ? sweep.Configs.FirstOrDefault(c => c.Name == configName)
                    : null;
                errors.AddRange(problems.Select(p =>
                {
                    var path = p.Field["config.".Length..];
                    var inConfig = named is not null && named.Values.Any(v => v.Key == path || path.StartsWith(v.Key + ".", StringComparison.Ordinal));
                    var onAxis = sweep.Axes.Any(a => a.Path == path);
                    return p with
                    {
                        Field = inConfig ? $"sweep.configs.{named!.Name}.{path}"
                            : named is not null && !onAxis ? $"sweep.configs.{named.Name}"
                            : "sweep.axes." + path,
                        Message = $"{p.Message} (run {point.Index}: {point.AxisValues.ToJsonString()})",
                    };
                }));
                break;
            }
        }

        if (family is CommandFamily && errors.Count == 0) errors.AddRange(UnresolvedPlaceholders(config, sweep));

        var name = Text(request, "name", errors, optional: true)?.Trim();
        if (name is { Length: > 200 }) errors.Add(new("name", "must be at most 200 characters."));
        var tags = Tags(request, errors);
        var owner = Text(request, "owner", errors, optional: true) ?? "";
        var notes = Text(request, "notes", errors, optional: true) ?? "";
        var priority = Integer(request, "priority", errors, -1000, 1000) ?? 0;
        var timeLimit = Integer(request, "time_limit_seconds", errors, 1, 30 * 24 * 3600);
        if (request["time_limit_seconds"] is null) timeLimit = presetTimeLimit;   // a preset may carry its seed's limit
        var maxAttempts = Integer(request, "max_attempts", errors, 1, 20) ?? 3;
        var notBefore = Schedule(request, errors, now, tonight, zone ?? TimeZoneInfo.Local);

        var device = DeviceRequirement.Cpu;
        try { device = DeviceRequirement.Parse(Text(request, "device", errors, optional: true)); }
        catch (InvalidInputException e) { errors.AddRange(e.Errors); }

        if (errors.Count > 0) throw new InvalidInputException(errors);
        return new ExperimentSubmission
        {
            Name = string.IsNullOrEmpty(name) ? $"{family!.Name} {now:yyyy-MM-dd HH:mm}" : name,
            Family = family!,
            Config = config,
            Sweep = sweep,
            Tags = tags,
            Owner = owner,
            Notes = notes,
            Priority = priority,
            NotBefore = notBefore,
            Device = device,
            TimeLimitSeconds = timeLimit,
            MaxAttempts = maxAttempts,
            Claims = claims,
        };
    }

    /// <summary>
    /// A command's "{name}" with no config value in some run (base config, axes and named configs applied): the
    /// script would get the braces, so the request is refused naming the placeholder.
    /// </summary>
    private static IEnumerable<ValidationError> UnresolvedPlaceholders(JsonObject config, SweepSpec sweep)
    {
        var points = sweep.Axes.Count > 0 || sweep.Configs.Count > 0 ? sweep.Expand(config).Select(p => p.Config) : [config];
        foreach (var runConfig in points)
        {
            if (ConfigValue.Text(runConfig["command"]) is not { } command) yield break;
            var missing = CommandPlaceholderNames.Unresolved(command, runConfig);
            if (missing.Count == 0) continue;
            yield return new("config.command",
                $"{string.Join(", ", missing.Select(m => "{" + m + "}"))} name{(missing.Count == 1 ? "s" : "")} no config value; " +
                $"add {string.Join(", ", missing.Select(m => $"'{m}'"))} to the config or a sweep axis (or write $" + "{…} for the shell's own).");
            yield break;
        }
    }

    /// <summary>The next time it is <paramref name="tonight"/> o'clock in <paramref name="zone"/>.</summary>
    public static DateTimeOffset NextTonight(DateTimeOffset now, TimeOnly tonight, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var candidate = new DateTime(DateOnly.FromDateTime(local.DateTime), tonight, DateTimeKind.Unspecified);
        if (candidate <= local.DateTime) candidate = candidate.AddDays(1);
        return new DateTimeOffset(candidate, zone.GetUtcOffset(candidate));
    }

    private static JsonObject WithSweep(JsonObject request, JsonObject sweep)
    {
        var copy = (JsonObject)request.DeepClone();
        copy["sweep"] = sweep.DeepClone();
        return copy;
    }

    private static DateTimeOffset? Schedule(JsonObject request, List<ValidationError> errors, DateTimeOffset now,
        TimeOnly tonight, TimeZoneInfo zone)
    {
        // "not_before" is the older name of "schedule"; both at once would leave one silently ignored.
        if (request.ContainsKey("schedule") && request.ContainsKey("not_before"))
            errors.Add(new("not_before", "give either 'schedule' or 'not_before' (its older name), not both."));
        var field = request.ContainsKey("schedule") ? "schedule" : "not_before";
        var text = Text(request, field, errors, optional: true)?.Trim();
        if (text is null || text.Equals("now", StringComparison.OrdinalIgnoreCase)) return null;
        if (text.Equals("tonight", StringComparison.OrdinalIgnoreCase)) return NextTonight(now, tonight, zone);
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
        errors.Add(new(field, $"'{text}' is not a schedule; use 'now', 'tonight' or an ISO 8601 time like 2026-11-23T02:00:00Z."));
        return null;
    }

    /// <summary>A string field of a request body, or an error naming it (shared with schedule requests).</summary>
    internal static string? Text(JsonObject request, string field, List<ValidationError> errors, bool optional = false)
    {
        switch (request[field])
        {
            case null:
                if (!optional) errors.Add(new(field, "is required."));
                return null;
            case JsonValue value when value.TryGetValue<string>(out var text): return text;
            default:
                errors.Add(new(field, "must be a string."));
                return null;
        }
    }

    private static int? Integer(JsonObject request, string field, List<ValidationError> errors, int min, int max)
    {
        switch (request[field])
        {
            case null: return null;
            case JsonValue value when value.TryGetValue<long>(out var n) && n >= min && n <= max: return (int)n;
            default:
                errors.Add(new(field, $"must be an integer between {min} and {max}."));
                return null;
        }
    }

    internal static IReadOnlyList<string> Tags(JsonObject request, List<ValidationError> errors)
    {
        switch (request["tags"])
        {
            case null: return [];
            case JsonArray array:
                var tags = new List<string>();
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue v && v.TryGetValue<string>(out var tag) && tag.Trim() is { Length: > 0 and <= 64 } trimmed)
                        tags.Add(trimmed);
                    else errors.Add(new($"tags[{i}]", "must be a non-empty string of at most 64 characters."));
                }
                if (tags.Count > MaxTags) errors.Add(new("tags", $"at most {MaxTags} tags."));
                return tags.Distinct().ToList();
            default:
                errors.Add(new("tags", "must be an array of strings."));
                return [];
        }
    }
}
