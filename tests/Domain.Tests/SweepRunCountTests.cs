using System.Text.Json.Nodes;
using Dashboard.Domain.Sweeps;

namespace Dashboard.Domain.Tests;

/// <summary>The run count is checked without wrapping: 2^64 runs must not pass the cap as 0.</summary>
public sealed class SweepRunCountTests
{
    [Theory]
    [InlineData(64, 2, "more than 10000")] // 2^64 wraps a long to 0
    [InlineData(59, 3, "more than 10000")] // 3^59 wraps to a negative count
    [InlineData(14, 2, "16384")] // past the cap while counting exactly
    public void A_sweep_past_the_cap_is_refused_naming_the_sweep(int axes, int values, string said)
    {
        var act = () => SweepSpec.Parse(Axes(axes, values));
        var error = act.Should().Throw<InvalidInputException>().Which.Errors.Should().ContainSingle().Subject;
        error.Field.Should().Be("sweep");
        error.Message.Should().Contain(said);
    }

    [Fact]
    public void A_sweep_of_exactly_the_cap_is_allowed() =>
        SweepSpec.Parse(JsonNode.Parse("""{"axes": {"a": [1,2,3,4,5,6,7,8,9,10], "b": [1,2,3,4,5,6,7,8,9,10]}, "seeds": 100}""")).RunCount
            .Should().Be(SweepSpec.MaxRuns);

    private static JsonNode Axes(int axes, int values) => new JsonObject
    {
        ["axes"] = new JsonObject(Enumerable.Range(0, axes).Select(i =>
            KeyValuePair.Create($"a{i}", (JsonNode?)new JsonArray(Enumerable.Range(0, values).Select(v => (JsonNode?)v).ToArray())))),
    };
}
