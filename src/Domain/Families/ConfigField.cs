using System.Text.Json.Nodes;

namespace Dashboard.Domain.Families;

/// <summary>One field of a family's config record: what the form shows and what validation enforces.</summary>
/// <param name="UsedWithVariants">
/// Where set, only runs whose <c>variant</c> is one of these read the field (a family of two experiments, as harmonic's
/// field trials and GPTs); the pages set the others apart. Null: every run reads it.
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
    IReadOnlyList<string>? UsedWithVariants = null)
{
    public const string VariantField = "variant";

    /// <summary>Whether a run with this config reads the field (its variant is one that uses it).</summary>
    public bool IsUsedBy(JsonObject config) =>
        UsedWithVariants is null || UsedWithVariants.Contains(ConfigValue.Text(config[VariantField]) ?? "");
}
