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

    public ExperimentFamily Get(string? name, string field = "family") =>
        name is not null && _families.TryGetValue(name, out var family)
            ? family
            : throw new InvalidInputException(field,
                $"unknown family '{name}'; known families: {string.Join(", ", _families.Keys.Order())}.");
}
