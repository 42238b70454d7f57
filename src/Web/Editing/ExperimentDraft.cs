using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Domain;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;

namespace Dashboard.Web.Editing;

/// <summary>
/// What the new-experiment form holds, as the user typed it. <see cref="ToRequest"/> turns it into the REST
/// API's request document (which the server validates exactly as it validates the API's), and
/// <see cref="FromRequest"/> reads such a document back (the YAML/JSON editor, cloning an experiment).
/// </summary>
public sealed class ExperimentDraft
{
    public required ExperimentFamily Family { get; init; }
    /// <summary>Text per config field of the family, by field name.</summary>
    public Dictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);
    /// <summary>Config values outside the family's fields: a command's parameters ("{lr}" in the command).</summary>
    public List<Parameter> Extras { get; } = [];
    public List<Axis> Axes { get; } = [];
    /// <summary>The sweep's named configs (<c>"configs": {"baseline": {}, …}</c>) as they came: from a preset or the editor.</summary>
    public JsonObject? Configs { get; set; }
    /// <summary>A count ("3": seeds 0, 1, 2), a list ("0, 7, 42"), or empty for no seeds.</summary>
    public string Seeds { get; set; } = "";
    public ScheduleKind Schedule { get; set; } = ScheduleKind.Now;
    /// <summary>The datetime-local input's value ("2026-11-23T02:00"), in the browser's time zone.</summary>
    public string ScheduleAt { get; set; } = "";
    /// <summary>The browser's time zone, which <see cref="ScheduleAt"/> is in (UTC until the browser has said).</summary>
    public TimeZoneInfo BrowserZone { get; set; } = TimeZoneInfo.Utc;
    public string Device { get; set; } = "cpu";
    /// <summary>Minimum GPU memory in GiB for cuda runs; empty: any GPU.</summary>
    public string MinGpuMemoryGiB { get; set; } = "";
    public string Priority { get; set; } = "0";
    /// <summary>Minutes; decimals allowed. Empty: no limit.</summary>
    public string TimeLimitMinutes { get; set; } = "";
    public string Name { get; set; } = "";
    public string Tags { get; set; } = "";
    public string Notes { get; set; } = "";
    /// <summary>The preset last applied (the form's preset select); null: the family's defaults, or a typed document.</summary>
    public string? PresetName { get; private set; }
    /// <summary>
    /// The experiment of a schedule: the schedule says when each occurrence starts, so the request has no start of
    /// its own (no "schedule") and the form asks for none.
    /// </summary>
    public bool Repeats { get; set; }
    /// <summary>Request fields the form has no input for (owner, max_attempts): kept as they came.</summary>
    public JsonObject PassThrough { get; } = [];

    public sealed class Parameter
    {
        public string Name { get; set; } = "";
        public string Value { get; set; } = "";
    }

    public sealed class Axis
    {
        public string Path { get; set; } = "";
        public string Values { get; set; } = "";
    }

    /// <summary>
    /// Why the runs this draft makes do not read the field ("variant gpt", "architecture mlp"), or null where they may:
    /// only for another variant's (or architecture's) field while that is one value (not swept, no named configs that
    /// could set it).
    /// </summary>
    public string? NotReadBecause(ConfigField field)
    {
        if (Configs is not null) return null;
        foreach (var (name, values) in field.ReadWhen())
        {
            if (Axes.Any(a => a.Path.Trim() == name)) continue;
            var value = Fields.GetValueOrDefault(name);
            if (!string.IsNullOrEmpty(value) && !values.Contains(value)) return $"{name} {value}";
        }
        return null;
    }

    public enum ScheduleKind { Now, At, Tonight }

    /// <summary>A fresh form: the family's defaults, with a preset's config and sweep applied when given.</summary>
    public static ExperimentDraft For(ExperimentFamily family, Preset? preset = null)
    {
        var draft = new ExperimentDraft { Family = family };
        draft.ApplyPreset(preset);
        return draft;
    }

    /// <summary>Replaces the config and sweep by a preset's, keeping name, schedule and the other run options.</summary>
    public void ApplyPreset(Preset? preset)
    {
        PresetName = preset?.Name;
        Fields.Clear();
        Extras.Clear();
        Axes.Clear();
        Configs = null;
        Seeds = "";
        ApplyConfig(Family.WithDefaults(preset?.Config ?? []));
        if (preset?.Sweep is { } sweep) ApplySweep(sweep);
        ApplyTimeLimit(preset);
        // A preset's seed claims travel with the request (and show in its JSON/YAML), like any field the form has no input for.
        if (preset is { Claims.Count: > 0 }) PassThrough["claims"] = Domain.Claims.ClaimJson.ToJson(preset.Claims);
        else PassThrough.Remove("claims");
    }

    /// <summary>Where and how the runs go (another family picked keeps them): start, device, priority, time limit, name, tags, notes.</summary>
    public void TakeRunOptionsFrom(ExperimentDraft other)
    {
        (Schedule, ScheduleAt, BrowserZone, Repeats) = (other.Schedule, other.ScheduleAt, other.BrowserZone, other.Repeats);
        (Device, MinGpuMemoryGiB, Priority, TimeLimitMinutes) = (other.Device, other.MinGpuMemoryGiB, other.Priority, other.TimeLimitMinutes);
        (Name, Tags, Notes) = (other.Name, other.Tags, other.Notes);
        // The old family's seed claims do not hold for another family; owner and attempts do.
        foreach (var (key, value) in other.PassThrough)
            if (key != "claims") PassThrough[key] = value?.DeepClone();
    }

    /// <summary>A preset that carries its seed's time limit (hhml's 30 minutes) fills in the time-limit field.</summary>
    private void ApplyTimeLimit(Preset? preset)
    {
        if (preset?.TimeLimitSeconds is { } seconds)
            TimeLimitMinutes = (seconds / 60.0).ToString("0.##", CultureInfo.InvariantCulture);
    }

    /// <summary>The config as typed: empty inputs are left out, so the family's defaults apply to them.</summary>
    public JsonObject Config()
    {
        var config = new JsonObject();
        foreach (var field in Family.Fields)
            if (FieldText.ToValue(field.Type, Fields.GetValueOrDefault(field.Name)) is { } value)
                config[field.Name] = value;
        foreach (var extra in Extras.Where(e => !string.IsNullOrWhiteSpace(e.Name)))
            config[extra.Name.Trim()] = FieldText.ToLooseValue(extra.Value);
        return config;
    }

    /// <summary>The sweep as typed, or null for a single run.</summary>
    public JsonObject? Sweep()
    {
        var axes = new JsonObject();
        foreach (var axis in Axes.Where(a => !string.IsNullOrWhiteSpace(a.Path)))
        {
            var field = Family.Fields.FirstOrDefault(f => f.Name == axis.Path.Trim());
            var values = FieldText.ToValues(axis.Values, text => field is null ? FieldText.ToLooseValue(text) : FieldText.ToValue(field.Type, text));
            axes[axis.Path.Trim()] = new JsonArray(values.ToArray());
        }
        JsonNode? seeds = null;
        var seedText = Seeds.Trim();
        if (seedText.Length > 0)
            seeds = long.TryParse(seedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count)
                ? JsonValue.Create(count)
                : new JsonArray(FieldText.ToValues(seedText, FieldText.ToLooseValue).ToArray());
        if (axes.Count == 0 && seeds is null && Configs is not { Count: > 0 }) return null;
        var sweep = new JsonObject();
        if (Configs is { Count: > 0 }) sweep["configs"] = Configs.DeepClone();
        if (axes.Count > 0) sweep["axes"] = axes;
        if (seeds is not null) sweep["seeds"] = seeds;
        return sweep;
    }

    /// <summary>The REST API's request document for this form (POST /api/experiments).</summary>
    public JsonObject ToRequest()
    {
        var request = new JsonObject();
        if (Name.Trim() is { Length: > 0 } name) request["name"] = name;
        request["family"] = Family.Name;
        request["config"] = Config();
        if (Sweep() is { } sweep) request["sweep"] = sweep;
        if (!Repeats) request["schedule"] = ScheduleText();
        request["device"] = DeviceText();
        var priority = Priority.Trim();
        if (priority.Length > 0 && priority != "0") request["priority"] = Loose(priority);
        if (TimeLimitMinutes.Trim() is { Length: > 0 } limit)
            request["time_limit_seconds"] = double.TryParse(limit, NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes)
                                            && double.IsFinite(minutes) && Math.Abs(minutes) < 1e9
                ? JsonValue.Create((long)Math.Round(minutes * 60))
                : JsonValue.Create(limit);
        var tags = ExperimentEdit.TagsFromText(Tags);
        if (tags.Count > 0) request["tags"] = tags;
        if (Notes.Length > 0) request["notes"] = Notes;
        foreach (var (key, value) in PassThrough) request[key] = value?.DeepClone();
        return request;
    }

    /// <summary>Problems the form itself can see before the request exists (the server checks all the rest).</summary>
    public IReadOnlyList<ValidationError> FormProblems()
    {
        var problems = new List<ValidationError>();
        if (!Repeats && Schedule == ScheduleKind.At && string.IsNullOrWhiteSpace(ScheduleAt))
            problems.Add(new("schedule", "pick the date and time to start at."));
        if (Device == "cuda" && MinGpuMemoryGiB.Trim() is { Length: > 0 } gib
            && !(double.TryParse(gib, NumberStyles.Float, CultureInfo.InvariantCulture, out var g) && g is >= 0 and < 1e6))
            problems.Add(new("device", $"minimum GPU memory must be a number of GiB, got '{gib}'."));
        if (TimeLimitMinutes.Trim() is { Length: > 0 } limit
            && !(double.TryParse(limit, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && m > 0))
            problems.Add(new("time_limit_seconds", $"the time limit must be a positive number of minutes, got '{limit}'."));
        var names = Extras.Select(e => e.Name.Trim()).Where(n => n.Length > 0).ToList();
        foreach (var repeated in names.GroupBy(n => n).Where(g => g.Count() > 1))
            problems.Add(new($"config.{repeated.Key}", "is given twice."));
        foreach (var clash in names.Where(n => Family.Fields.Any(f => f.Name == n)))
            problems.Add(new($"config.{clash}", "is a field of the form already; set it there."));
        return problems;
    }

    public string ScheduleText() => Schedule switch
    {
        ScheduleKind.Tonight => "tonight",
        ScheduleKind.At when DateTime.TryParse(ScheduleAt, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local) =>
            new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), BrowserZone.GetUtcOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified)))
                .ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        ScheduleKind.At => ScheduleAt,
        _ => "now",
    };

    public string DeviceText()
    {
        if (Device != "cuda") return "cpu";
        return double.TryParse(MinGpuMemoryGiB, NumberStyles.Float, CultureInfo.InvariantCulture, out var gib) && gib is > 0 and < 1e6
            ? $"cuda:{(long)Math.Round(gib * 1024)}"
            : "cuda";
    }

    /// <summary>Reads a request document into a form. Fields the form has no input for are kept, not dropped.</summary>
    public static ExperimentDraft FromRequest(JsonObject request, FamilyCatalogue catalogue, TimeZoneInfo? browserZone = null)
    {
        var family = catalogue.Get(ConfigValue.Text(request["family"]));
        var preset = ConfigValue.Text(request["preset"]) is { } presetName
            ? family.Presets.FirstOrDefault(p => p.Name == presetName)
            : null;
        var draft = new ExperimentDraft { Family = family, BrowserZone = browserZone ?? TimeZoneInfo.Utc };
        var config = request["config"] is JsonObject given ? (JsonObject)given.DeepClone() : [];
        if (preset is not null)
            foreach (var (key, value) in preset.Config)
                if (!config.ContainsKey(key)) config[key] = value?.DeepClone();
        draft.ApplyConfig(family.WithDefaults(config));
        if (request["sweep"] is JsonObject sweep) draft.ApplySweep(sweep);
        else if (preset?.Sweep is { } presetSweep) draft.ApplySweep(presetSweep);

        var schedule = ConfigValue.Text(request["schedule"]) ?? ConfigValue.Text(request["not_before"]) ?? "now";
        if (schedule.Equals("tonight", StringComparison.OrdinalIgnoreCase)) draft.Schedule = ScheduleKind.Tonight;
        else if (!schedule.Equals("now", StringComparison.OrdinalIgnoreCase))
        {
            draft.Schedule = ScheduleKind.At;
            draft.ScheduleAt = DateTimeOffset.TryParse(schedule, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? TimeZoneInfo.ConvertTime(at, draft.BrowserZone).DateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture)
                : schedule;
        }
        var device = (ConfigValue.Text(request["device"]) ?? "cpu").Trim().ToLowerInvariant();
        draft.Device = device.StartsWith("cuda", StringComparison.Ordinal) ? "cuda" : device == "cpu" ? "cpu" : device;
        if (device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device[5..], out var mb) && mb > 0)
            draft.MinGpuMemoryGiB = (mb / 1024.0).ToString("0.##", CultureInfo.InvariantCulture);
        draft.Priority = request["priority"] is { } priority ? FieldText.ToText(priority) : "0";
        if (request["time_limit_seconds"] is { } limit)
            draft.TimeLimitMinutes = ConfigValue.Number(limit) is { } seconds
                ? (seconds / 60).ToString("0.##", CultureInfo.InvariantCulture)
                : FieldText.ToText(limit);
        draft.Name = ConfigValue.Text(request["name"]) ?? "";
        draft.Tags = request["tags"] is JsonArray tags ? string.Join(", ", tags.Select(FieldText.ToText)) : "";
        draft.Notes = ConfigValue.Text(request["notes"]) ?? "";
        foreach (var (key, value) in request)
            if (key is not ("name" or "family" or "preset" or "config" or "sweep" or "schedule" or "not_before" or "device"
                or "priority" or "time_limit_seconds" or "tags" or "notes"))
                draft.PassThrough[key] = value?.DeepClone();
        if (preset is { Claims.Count: > 0 } && !request.ContainsKey("claims"))
            draft.PassThrough["claims"] = Domain.Claims.ClaimJson.ToJson(preset.Claims);
        return draft;
    }

    private void ApplyConfig(JsonObject config)
    {
        foreach (var field in Family.Fields) Fields[field.Name] = FieldText.ToText(config[field.Name]);
        foreach (var (key, value) in config)
            if (Family.Fields.All(f => f.Name != key))
                Extras.Add(new Parameter { Name = key, Value = FieldText.ToText(value) });
    }

    private void ApplySweep(JsonObject sweep)
    {
        Configs = sweep["configs"] is JsonObject configs ? (JsonObject)configs.DeepClone() : null;
        if (sweep["axes"] is JsonObject axes)
            foreach (var (path, values) in axes)
                Axes.Add(new Axis { Path = path, Values = values is JsonArray list ? FieldText.ToValuesText(list) : FieldText.ToText(values) });
        Seeds = sweep["seeds"] switch
        {
            JsonArray list when list.Select((s, i) => ConfigValue.Integer(s) == i).All(x => x) && list.Count > 0 => list.Count.ToString(CultureInfo.InvariantCulture),
            JsonArray list => FieldText.ToValuesText(list),
            { } other => FieldText.ToText(other),
            null => "",
        };
    }

    private static JsonNode? Loose(string text) => FieldText.ToLooseValue(text);
}
