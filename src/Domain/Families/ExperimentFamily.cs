using System.Text.Json.Nodes;

namespace Dashboard.Domain.Families;

/// <summary>
/// A kind of experiment the product knows how to run: its config record (fields with defaults and
/// bounds), presets, and what its runs report. Each family's trainer lives in the worker.
/// </summary>
public abstract class ExperimentFamily
{
    /// <summary>The most steps any family allows a run (nGPT's bound); a command's total_steps is held to it too.</summary>
    public const long MaxSteps = 10_000_000;

    public abstract string Name { get; }
    public abstract string Title { get; }
    public abstract string Description { get; }
    public abstract IReadOnlyList<ConfigField> Fields { get; }
    public virtual IReadOnlyList<Preset> Presets => [];
    /// <summary>Whether fields outside <see cref="Fields"/> are allowed (user scripts take any parameters).</summary>
    public virtual bool AllowsExtraFields => false;
    /// <summary>The metric a ranking sorts by (lower is better unless <see cref="HigherIsBetter"/>).</summary>
    public virtual string PrimaryMetric => Metrics.MetricKey.Loss;
    public virtual bool HigherIsBetter => false;
    /// <summary>How this family tells a divergent run from a bounded one; null when it defines no rule.</summary>
    public virtual DivergenceRule? Divergence => null;

    public JsonObject Defaults => new(Fields
        .Where(f => f.Default is not null)
        .Select(f => KeyValuePair.Create(f.Name, (JsonNode?)f.Default!.DeepClone())));

    /// <summary>The config with defaults filled in for missing fields. Does not validate.</summary>
    public JsonObject WithDefaults(JsonObject config)
    {
        var result = (JsonObject)config.DeepClone();
        foreach (var field in Fields)
            if (!result.ContainsKey(field.Name) && field.Default is not null)
                result[field.Name] = field.Default.DeepClone();
        return result;
    }

    /// <summary>
    /// The fields a run with this config does not read (another variant's or architecture's), in the family's order. A
    /// field the config lacks counts at its default, as the worker reads it.
    /// </summary>
    public IReadOnlyList<string> FieldsNotUsedBy(JsonObject config)
    {
        var resolved = WithDefaults(config);
        return Fields.Where(f => !f.IsUsedBy(resolved)).Select(f => f.Name).ToList();
    }

    /// <summary>Every problem with a complete config (defaults already applied), fields named "config.x".</summary>
    public IReadOnlyList<ValidationError> Validate(JsonObject config, string prefix = "config")
    {
        var errors = new List<ValidationError>();
        var known = Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var (name, value) in config)
        {
            if (!known.TryGetValue(name, out var field))
            {
                if (!AllowsExtraFields && name != "seed")
                    errors.Add(new($"{prefix}.{name}", $"is not a field of '{Name}'; known fields: {string.Join(", ", known.Keys)}."));
                continue;
            }
            if (ConfigFieldCheck.Problem(field, value) is { } problem)
                errors.Add(new($"{prefix}.{name}", problem));
        }
        foreach (var field in Fields.Where(f => f.Required && config[f.Name] is null))
            errors.Add(new($"{prefix}.{field.Name}", "is required."));
        if (config["seed"] is { } seed && ConfigValue.Integer(seed) is null)
            errors.Add(new($"{prefix}.seed", "must be an integer."));
        if (errors.Count == 0) errors.AddRange(CrossFieldProblems(config, prefix));
        return errors;
    }

    /// <summary>Rules that involve several fields (e.g. width divisible by heads).</summary>
    protected virtual IEnumerable<ValidationError> CrossFieldProblems(JsonObject config, string prefix) => [];

    /// <summary>How many steps a run of this config takes, for progress bars; null when unknown.</summary>
    public virtual long? TotalSteps(JsonObject config) => null;
}
