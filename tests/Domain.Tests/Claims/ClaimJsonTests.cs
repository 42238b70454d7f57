using System.Text.Json.Nodes;
using Dashboard.Domain.Claims;
using Dashboard.Domain.Families;

namespace Dashboard.Domain.Tests.Claims;

public sealed class ClaimJsonTests
{
    [Fact]
    public void Bad_claims_name_the_field_and_say_what_is_allowed()
    {
        var act = () => ClaimJson.Parse(JsonNode.Parse("""
            [{"name": "a", "statement": "s", "metric": "bad key!", "test": "about 3", "reading": "median", "aggregate": "count:3", "colour": 1},
             {"name": "b", "statement": "s", "metric": "loss", "test": "increasing"},
             {"name": "c", "statement": "s", "metric": "loss", "test": "all"},
             {"name": "c", "statement": "s", "metric": "loss", "test": "<= 1", "runs": {"depth": []}, "min_runs": 0}]
            """));
        var errors = act.Should().Throw<InvalidInputException>().Which.Errors.Select(e => e.Field).ToList();
        errors.Should().Contain(["claims[0].metric", "claims[0].test", "claims[0].reading", "claims[0].aggregate", "claims[0].colour",
            "claims[1].per", "claims[2].test", "claims[3].runs.depth", "claims[3].min_runs"]);
        FluentActions.Invoking(() => ClaimJson.Parse(JsonNode.Parse("""
            [{"name": "x", "statement": "s", "metric": "loss", "test": "<= 1"}, {"name": "x", "statement": "s", "metric": "loss", "test": "<= 2"}]
            """))).Should().Throw<InvalidInputException>().Which.Errors.Single().Field.Should().Be("claims[1].name");
        FluentActions.Invoking(() => ClaimJson.Parse(JsonNode.Parse("{}"))).Should().Throw<InvalidInputException>()
            .Which.Errors.Single().Field.Should().Be("claims");
    }

    [Fact]
    public void Claims_survive_a_round_trip_through_their_json()
    {
        var claims = ResidualStreamsSeedClaims.DepthSweep.Concat(NGptSeedClaims.OptimizationSweep).ToList();
        var again = ClaimJson.Parse(ClaimJson.ToJson(claims));
        again.Should().HaveCount(claims.Count);
        ClaimJson.ToJson(again).ToJsonString().Should().Be(ClaimJson.ToJson(claims).ToJsonString());
        again.Single(c => c.Name == "throughput-gain").Test.Should().Be(new ClaimTest(Relation.Within, 1.2027, 10, true));
        again.Single(c => c.Name == "hc-gain-grows").Runs.ValuesOf("config").Should().Equal("tiny_12l", "tiny_24l");
        again.Single(c => c.Name == "mhc-no-nan").Metric.Should().Be(new MetricReading("nan_inf_events", ReadingKind.Max));
    }

    [Fact]
    public void The_seed_presets_carry_their_claims()
    {
        new ResidualStreamsFamily().Presets.Single(p => p.Name == "depth-sweep").Claims.Select(c => c.Name).Should().Contain(
            ["mhc-gain-nonpositive", "mhc-gain-flat", "hc-gain-grows", "hc-diverges-48", "baseline-bounded"]);
        new NGptFamily().Presets.Single(p => p.Name == "optimization-sweep").Claims.Should().HaveCount(9);
        new NGptFamily().Presets.Single(p => p.Name == "tiny").Claims.Should().BeEmpty();
    }
}
