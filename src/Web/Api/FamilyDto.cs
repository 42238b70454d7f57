using System.Text.Json.Nodes;
using Dashboard.Domain.Families;

namespace Dashboard.Web.Api;

/// <summary>An experiment family as GET /api/families lists it: its config record and presets.</summary>
public sealed record FamilyDto(
    string Name, string Title, string Description, string PrimaryMetric, bool HigherIsBetter, bool AllowsExtraFields,
    IReadOnlyList<ConfigFieldDto> Fields, IReadOnlyList<PresetDto> Presets)
{
    public static FamilyDto From(ExperimentFamily f) => new(f.Name, f.Title, f.Description, f.PrimaryMetric, f.HigherIsBetter,
        f.AllowsExtraFields, f.Fields.Select(ConfigFieldDto.From).ToList(),
        f.Presets.Select(p => new PresetDto(p.Name, p.Title, p.Config, p.Sweep)).ToList());
}

public sealed record ConfigFieldDto(
    string Name, string Type, JsonNode? Default, string Description, double? Min, double? Max, IReadOnlyList<string>? Choices,
    bool Required)
{
    public static ConfigFieldDto From(ConfigField x) =>
        new(x.Name, x.Type.ToString().ToLowerInvariant(), x.Default, x.Description, x.Min, x.Max, x.Choices, x.Required);
}

public sealed record PresetDto(string Name, string Title, JsonObject Config, JsonObject? Sweep);
