using System.Text.Json.Nodes;

namespace Dashboard.Domain.Families;

/// <summary>One field of a family's config record: what the form shows and what validation enforces.</summary>
/// <param name="UsedWithVariants">
/// Where set, only runs whose <c>variant</c> is one of these read the field (a family of two experiments, as harmonic's
/// field trials and GPTs); the pages set the others apart. Null: every run reads it.
/// </param>
/// <param name="UsedWithArchitectures">
/// The same for the <c>architecture</c> field (residual streams' seed block and MLP port); a field with both is read only
/// where both hold.
/// </param>
public sealed record ConfigField(
    string Name,
    ConfigFieldType Type,
    JsonNode? Default,
    string Description,
    double? Min = null,
    double? Max = null,
    IReadOnlyList<string>? Choices = null,
    bool Required = false,
    IReadOnlyList<string>? UsedWithVariants = null,
    IReadOnlyList<string>? UsedWithArchitectures = null)
{
    public const string VariantField = "variant";
    public const string ArchitectureField = "architecture";

    /// <summary>The other fields whose value decides whether a run reads this one, each with the values that do.</summary>
    public IEnumerable<(string Field, IReadOnlyList<string> Values)> ReadWhen()
    {
        if (UsedWithVariants is not null) yield return (VariantField, UsedWithVariants);
        if (UsedWithArchitectures is not null) yield return (ArchitectureField, UsedWithArchitectures);
    }

    /// <summary>Whether a run with this config reads the field (its variant and architecture are ones that use it).</summary>
    public bool IsUsedBy(JsonObject config) =>
        ReadWhen().All(c => c.Values.Contains(ConfigValue.Text(config[c.Field]) ?? ""));
}
