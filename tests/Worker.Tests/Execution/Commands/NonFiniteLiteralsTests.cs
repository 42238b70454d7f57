using Dashboard.Worker.Execution.Commands;

namespace Dashboard.Worker.Tests.Execution.Commands;

public class NonFiniteLiteralsTests
{
    [Theory]
    [InlineData("""{"a": NaN}""", """{"a": "NaN"}""")]
    [InlineData("""{"a":-Infinity,"b":Infinity}""", """{"a":"-Infinity","b":"Infinity"}""")]
    [InlineData("""[NaN, 1]""", """["NaN", 1]""")]
    public void Quotes_bare_tokens(string line, string expected)
    {
        NonFiniteLiterals.Quote(line).Should().Be(expected);
    }

    [Theory]
    [InlineData("""{"a": "NaN"}""")]
    [InlineData("""{"NaN": 1}""")]
    [InlineData("""{"a": "x\"NaN"}""")]
    [InlineData("""{"a": NaNa}""")]
    [InlineData("""{"a": xNaN}""")]
    [InlineData("""{"a": 1}""")]
    public void Leaves_strings_and_longer_words_alone(string line)
    {
        NonFiniteLiterals.Quote(line).Should().BeNull();
    }
}
