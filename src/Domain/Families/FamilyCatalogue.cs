using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dashboard.Domain.Families;

/// <summary>The experiment families a deployment offers, by name.</summary>
public sealed class FamilyCatalogue
{
    private readonly Dictionary<string, ExperimentFamily> _families;

    public FamilyCatalogue(IEnumerable<ExperimentFamily> families) =>
        _families = families.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>Every family that ships with the product.</summary>
    public static FamilyCatalogue BuiltIn() => new([new CommandFamily(), new ResidualStreamsFamily(), new NGptFamily(), new HhmlFamily(), new HarmonicFamily(), new SympScale.SympScaleFamily()]);

    public IReadOnlyCollection<ExperimentFamily> All => _families.Values;

    /// <summary>The family of this name, or null (a stored run of a family this deployment no longer offers).</summary>
    public ExperimentFamily? Find(string? name) => name is not null && _families.TryGetValue(name, out var family) ? family : null;

    public ExperimentFamily Get(string? name, string field = "family") =>
        Find(name) ?? throw new InvalidInputException(field,
            $"unknown family '{name}'; known families: {string.Join(", ", _families.Keys.Order())}.");

    /// <summary>
    /// The fields of a stored run's config that its variant or architecture does not read (harmonic's GPT fields in a
    /// field run, and so on); empty for an unknown family or a config that is not a JSON object.
    /// </summary>
    public IReadOnlySet<string> FieldsNotUsedBy(string? family, string config)
    {
        try
        {
            return Find(family) is { } known && JsonNode.Parse(config) is JsonObject o
                ? known.FieldsNotUsedBy(o).ToHashSet(StringComparer.Ordinal)
                : new HashSet<string>();
        }
        catch (JsonException) { return new HashSet<string>(); }
    }
}
