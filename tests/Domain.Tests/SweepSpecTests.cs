using System.Text.Json.Nodes;
using Dashboard.Domain.Sweeps;

namespace Dashboard.Domain.Tests;

public sealed class SweepSpecTests
{
    [Fact]
    public void A_grid_times_seeds_expands_with_the_last_axis_fastest_and_seeds_innermost()
    {
        var spec = SweepSpec.Parse(JsonNode.Parse("""{"axes": {"depth": [12, 24], "model.variant": ["hc", "mhc"]}, "seeds": [7, 8]}"""));
        spec.RunCount.Should().Be(8);
        var points = spec.Expand(new JsonObject { ["lr"] = 0.1 });
        points.Should().HaveCount(8);
        points.Select(p => (p.Config["depth"]!.GetValue<int>(), p.Config["model"]!["variant"]!.GetValue<string>(), p.Seed))
            .Should().Equal((12, "hc", 7L), (12, "hc", 8L), (12, "mhc", 7L), (12, "mhc", 8L),
                (24, "hc", 7L), (24, "hc", 8L), (24, "mhc", 7L), (24, "mhc", 8L));
        points.Should().OnlyContain(p => p.Config["lr"]!.GetValue<double>() == 0.1 && p.Config["seed"]!.GetValue<long>() == p.Seed);
        points.Select(p => p.Index).Should().Equal(0, 1, 2, 3, 4, 5, 6, 7);
    }

    [Fact]
    public void A_thousand_run_sweep_expands()
    {
        var spec = SweepSpec.Parse(JsonNode.Parse("""{"axes": {"a": [1,2,3,4,5,6,7,8,9,10], "b": [1,2,3,4,5,6,7,8,9,10]}, "seeds": 10}"""));
        spec.Expand(new JsonObject()).Should().HaveCount(1000);
    }

    [Theory]
    [InlineData("""{"axes": {"seed": [1]}}""", "sweep.axes.seed")]
    [InlineData("""{"axes": {"lr": []}}""", "sweep.axes.lr")]
    [InlineData("""{"seeds": [1, 1]}""", "sweep.seeds")]
    [InlineData("""{"grid": {}}""", "sweep.grid")]
    [InlineData("""[1]""", "sweep")]
    public void Malformed_sweeps_name_the_field(string json, string field)
    {
        var act = () => SweepSpec.Parse(JsonNode.Parse(json));
        act.Should().Throw<InvalidInputException>().Which.Errors.Select(e => e.Field).Should().Contain(field);
    }

    [Fact]
    public void Sweeps_over_ten_thousand_runs_are_refused()
    {
        var act = () => SweepSpec.Parse(JsonNode.Parse("""{"axes": {"a": [1,2,3,4,5,6,7,8,9,10,11]}, "seeds": 1000}"""));
        act.Should().Throw<InvalidInputException>().WithMessage("*11000*");
    }

    [Theory]
    [InlineData("""{"axes": {"scale": [1, 2, 4]}}""")]
    [InlineData("""{"axes": {"lr": [0.1]}, "seeds": [0, 7]}""")]
    [InlineData("""{"seeds": 3}""")]
    public void The_stored_form_reads_back_as_the_same_sweep(string json)
    {
        var spec = SweepSpec.Parse(JsonNode.Parse(json));
        var again = SweepSpec.Parse(spec.ToJson());
        again.RunCount.Should().Be(spec.RunCount);
        again.Seeds.Should().Equal(spec.Seeds);
        again.Axes.Select(a => a.Path).Should().Equal(spec.Axes.Select(a => a.Path));
    }
}

public sealed class NamedSweepConfigsTests
{
    [Fact]
    public void Named_configs_are_the_outer_loop_over_the_grid_and_the_seeds()
    {
        var spec = SweepSpec.Parse(JsonNode.Parse("""
            {"configs": {"a": {"lr": 0.1}, "b": {"lr": 0.2, "model.depth": 4}}, "axes": {"width": [8, 16]}, "seeds": [3]}
            """));
        spec.RunCount.Should().Be(4);
        var points = spec.Expand(new JsonObject { ["lr"] = 1.0 });
        points.Select(p => (p.AxisValues["config"]!.GetValue<string>(), p.Config["lr"]!.GetValue<double>(), p.Config["width"]!.GetValue<int>()))
            .Should().Equal(("a", 0.1, 8), ("a", 0.1, 16), ("b", 0.2, 8), ("b", 0.2, 16));
        points[2].Config["model"]!["depth"]!.GetValue<int>().Should().Be(4);
        points.Should().OnlyContain(p => p.Seed == 3);
    }

    [Fact]
    public void Configs_survive_a_round_trip_through_json()
    {
        var json = """{"configs": {"x": {"lr": 0.1}, "y": {}}}""";
        var again = SweepSpec.Parse(SweepSpec.Parse(JsonNode.Parse(json)).ToJson());
        again.Configs.Select(c => c.Name).Should().Equal("x", "y");
        again.RunCount.Should().Be(2);
    }

    [Theory]
    [InlineData("""{"configs": {}}""", "sweep.configs")]
    [InlineData("""{"configs": [1]}""", "sweep.configs")]
    [InlineData("""{"configs": {"a": 1}}""", "sweep.configs.a")]
    [InlineData("""{"configs": {"a": {"seed": 1}}}""", "sweep.configs.a.seed")]
    [InlineData("""{"configs": {"a": {"lr": 1}}, "axes": {"lr": [1, 2]}}""", "sweep.configs.a.lr")]
    [InlineData("""{"configs": {"a": {}}, "axes": {"config": [1, 2]}}""", "sweep.axes.config")]
    public void Malformed_configs_name_the_field(string json, string field)
    {
        var act = () => SweepSpec.Parse(JsonNode.Parse(json));
        act.Should().Throw<InvalidInputException>().Which.Errors.Select(e => e.Field).Should().Contain(field);
    }
}
