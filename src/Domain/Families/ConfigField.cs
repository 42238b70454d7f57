using System.Text.Json.Nodes;

namespace Dashboard.Domain.Families;

/// <summary>One field of a family's config record: what the form shows and what validation enforces.</summary>
public sealed record ConfigField(
    string Name,
    ConfigFieldType Type,
    JsonNode? Default,
    string Description,
    double? Min = null,
    double? Max = null,
    IReadOnlyList<string>? Choices = null,
    bool Required = false);
