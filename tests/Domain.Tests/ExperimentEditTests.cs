using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;

namespace Dashboard.Domain.Tests;

public sealed class ExperimentEditTests
{
    [Fact]
    public void Tags_and_notes_are_read_and_tags_trimmed_without_repeats()
    {
        var edit = ExperimentEdit.Parse(JsonNode.Parse("""{"tags": [" depth ", "depth", "hc"], "notes": "HC diverges"}"""));
        edit.Tags.Should().Equal("depth", "hc");
        edit.Notes.Should().Be("HC diverges");
        ExperimentEdit.Parse(JsonNode.Parse("""{"notes": null}""")).Should().Be(new ExperimentEdit(null, ""));
    }

    [Theory]
    [InlineData("""{"tags": "a"}""", "tags")]
    [InlineData("""{"tags": ["ok", ""]}""", "tags[1]")]
    [InlineData("""{"notes": 3}""", "notes")]
    [InlineData("""{"name": "x"}""", "name")]
    [InlineData("""{}""", "body")]
    [InlineData("""[]""", "body")]
    public void Bad_edits_name_the_field(string json, string field)
    {
        var act = () => ExperimentEdit.Parse(JsonNode.Parse(json));
        act.Should().Throw<InvalidInputException>().Which.Errors.Select(e => e.Field).Should().Contain(field);
    }

    [Fact]
    public void Typed_tags_split_at_commas()
    {
        ExperimentEdit.TagsFromText(" depth sweep, hc ,,hc\nmhc").Select(t => t!.GetValue<string>())
            .Should().Equal("depth sweep", "hc", "mhc");
    }
}
