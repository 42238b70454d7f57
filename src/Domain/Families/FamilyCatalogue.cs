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
}
