namespace Dashboard.Worker.Tests.Experiments;

/// <summary>
/// Tests that seed libtorch's one global generator and compare two trainings number for number: run alone, after the
/// parallel ones, so another test class drawing random numbers at the same time cannot shift their sequences.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalGeneratorCollection
{
    public const string Name = "libtorch's global generator";
}
