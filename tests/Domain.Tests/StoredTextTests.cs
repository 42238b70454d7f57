using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.Domain.Tests;

/// <summary>What PostgreSQL cannot store (NUL, lone surrogates, bytes that are not UTF-8) is named by its path.</summary>
public sealed class StoredTextTests
{
    [Theory]
    [InlineData("plain text", null)]
    [InlineData("emoji 💥 is a surrogate pair", null)]
    [InlineData(@"a\u0000b", "NUL")]
    [InlineData(@"\ud800", "surrogate")]
    [InlineData(@"x\udc00", "surrogate")]
    [InlineData(@"\ud83d\ud83d", "surrogate")]
    public void Text_is_storable_unless_it_has_nul_or_a_lone_surrogate(string escaped, string? problem)
    {
        // Escaped in the attribute: test data travels as UTF-8, which has no form for a lone surrogate.
        var text = System.Text.RegularExpressions.Regex.Unescape(escaped);
        if (problem is null) StoredText.Problem(text).Should().BeNull();
        else StoredText.Problem(text).Should().Contain(problem);
    }

    [Fact]
    public void Problems_are_named_by_their_path_in_the_document()
    {
        var document = JsonNode.Parse("""
            {"name": "ok", "notes": "\u0000", "tags": ["a", "\ud800"], "config": {"env": {"K\u0000": "v", "A": "x\udc00"}}}
            """);
        StoredText.Problems(document).Select(e => e.Field).Should().BeEquivalentTo("notes", "tags[1]", "config.env", "config.env.A");
    }

    [Fact]
    public void Bytes_that_are_not_utf8_and_fields_named_twice_are_problems_too()
    {
        var invalid = JsonNode.Parse([.. Encoding.UTF8.GetBytes("""{"name": "a"""), 0xFF, .. Encoding.UTF8.GetBytes("\"}")]);
        StoredText.Problems(invalid).Select(e => e.Field).Should().Equal("name");
        StoredText.Problems(JsonNode.Parse("""{"config": {"a": 1, "a": 2}}""")).Select(e => e.Field).Should().Equal("config");
    }
}
