using Dashboard.Worker.Execution.Commands;

namespace Dashboard.Worker.Tests.Execution.Commands;

public class MetricLineParserTests
{
    private static MetricRecord Record(string line)
    {
        var record = MetricLineParser.Parse(line, maxValues: 1000, out var problem);
        problem.Should().BeNull();
        return record.Should().NotBeNull().And.Subject.As<MetricRecord>();
    }

    [Fact]
    public void Reads_step_and_every_numeric_field()
    {
        var record = Record("""{"step": 10, "loss": 2.31, "val/loss": 2.5, "tokens": 4096, "lr": 3e-4, "neg": -1.5E+2}""");

        record.Step.Should().Be(10);
        record.Values.Should().BeEquivalentTo(new Dictionary<string, double>
        {
            ["loss"] = 2.31, ["val/loss"] = 2.5, ["tokens"] = 4096, ["lr"] = 3e-4, ["neg"] = -150,
        });
        record.WallTime.Should().BeNull();
        record.TotalSteps.Should().BeNull();
    }

    [Theory]
    [InlineData("""{"step": 1, "loss": "NaN"}""", double.NaN)]
    [InlineData("""{"step": 1, "loss": "nan"}""", double.NaN)]
    [InlineData("""{"step": 1, "loss": "Infinity"}""", double.PositiveInfinity)]
    [InlineData("""{"step": 1, "loss": "-Infinity"}""", double.NegativeInfinity)]
    [InlineData("""{"step": 1, "loss": "inf"}""", double.PositiveInfinity)]
    [InlineData("""{"step": 1, "loss": NaN}""", double.NaN)]
    [InlineData("""{"step": 1, "loss": Infinity}""", double.PositiveInfinity)]
    [InlineData("""{"step": 1, "loss":-Infinity}""", double.NegativeInfinity)]
    [InlineData("""{"step": 1, "loss": 1e400}""", double.PositiveInfinity)]
    public void Non_finite_values_are_recorded_as_such(string line, double expected)
    {
        Record(line).Values["loss"].Should().Be(expected);
    }

    [Fact]
    public void Bare_tokens_inside_strings_are_left_alone()
    {
        var record = Record("""{"step": 2, "note": "NaN at \"Infinity\" step", "grad": NaN, "NaN_count": 3}""");

        record.Values.Should().BeEquivalentTo(new Dictionary<string, double> { ["grad"] = double.NaN, ["NaN_count"] = 3 });
    }

    [Fact]
    public void Ignores_text_booleans_nulls_objects_and_arrays()
    {
        var record = Record("""{"step": 3, "loss": 1.0, "name": "run-a", "ok": true, "none": null, "nested": {"a": 1}, "list": [1, 2], "num_text": "2.5"}""");

        record.Values.Keys.Should().Equal("loss");
    }

    [Fact]
    public void Step_time_and_total_steps_are_not_metrics()
    {
        var record = Record("""{"step": 4, "time": 1700000000.5, "total_steps": 100, "loss": 1}""");

        record.Values.Keys.Should().Equal("loss");
        record.WallTime.Should().Be(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500));
        record.TotalSteps.Should().Be(100);
    }

    [Fact]
    public void Wall_time_wins_over_time()
    {
        Record("""{"time": 1, "wall_time": 1700000000, "x": 1}""").WallTime.Should().Be(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    }

    [Fact]
    public void A_wall_time_out_of_range_means_now()
    {
        Record("""{"wall_time": 1e300, "x": 1}""").WallTime.Should().BeNull();
    }

    [Theory]
    [InlineData("""{"loss": 1}""", null)]
    [InlineData("""{"step": 7.0, "loss": 1}""", 7L)]
    [InlineData("""{"step": 0, "loss": 1}""", 0L)]
    public void Step_is_optional_and_may_be_written_as_a_whole_float(string line, long? step)
    {
        Record(line).Step.Should().Be(step);
    }

    [Theory]
    [InlineData("""{"step": -1, "loss": 1}""")]
    [InlineData("""{"step": 1.5, "loss": 1}""")]
    [InlineData("""{"step": "10", "loss": 1}""")]
    [InlineData("""{"step": null, "loss": 1}""")]
    [InlineData("""{"step": 1e30, "loss": 1}""")]
    public void A_bad_step_skips_the_line_and_says_why(string line)
    {
        MetricLineParser.Parse(line, 1000, out var problem).Should().BeNull();
        problem.Should().Contain("\"step\"");
    }

    [Fact]
    public void Invalid_keys_are_skipped_with_a_reason()
    {
        var record = Record("""{"step": 1, "good": 1, "bad key": 2, "": 3, "/lead": 4}""");

        record.Values.Keys.Should().Equal("good");
        record.Problems.Should().HaveCount(3).And.Contain(p => p.Contains("'bad key'"));
    }

    [Fact]
    public void Values_past_the_limit_are_dropped()
    {
        var record = MetricLineParser.Parse("""{"a": 1, "b": 2, "c": 3}""", maxValues: 2, out _)!;

        record.Values.Keys.Should().Equal("a", "b");
        record.Problems.Should().ContainSingle().Which.Should().Contain("more than 2");
    }

    [Theory]
    [InlineData("plain text")]
    [InlineData("")]
    [InlineData("[1, 2, 3]")]
    [InlineData("42")]
    [InlineData("""{"step": 1, "loss": """)]
    [InlineData("""{"step": 1, "loss": 2.3""")]
    [InlineData("""{"step": 1, "loss": 2.3}}""")]
    [InlineData("{'step': 1, 'loss': 2.3}")]
    [InlineData("{not json at all}")]
    [InlineData("""{"loss": NaNa}""")]
    public void Anything_but_a_json_object_is_not_a_record(string line)
    {
        MetricLineParser.Parse(line, 1000, out var problem).Should().BeNull();
        problem.Should().BeNull();
    }

    [Fact]
    public void Surrounding_whitespace_is_fine()
    {
        Record("   {\"step\": 1, \"loss\": 1}\t ").Values.Should().ContainKey("loss");
    }

    [Fact]
    public void Deep_nesting_is_not_a_record_and_does_not_throw()
    {
        var line = "{\"a\":" + new string('[', 5000) + new string(']', 5000) + "}";

        MetricLineParser.Parse(line, 1000, out _).Should().BeNull();
    }
}
