using System.Text.Json.Nodes;
using Dashboard.Web.Editing;

namespace Dashboard.Web.Tests.Editing;

public sealed class RequestTextTests
{
    private static readonly JsonObject Request = JsonNode.Parse("""
        {"name": "lr sweep", "family": "command",
         "config": {"command": "python3 train.py --lr {lr} > out.txt", "lr": 0.003, "env": {"A": "1"}, "flag": true, "label": "true", "big": 1e21},
         "sweep": {"axes": {"lr": [0.1, 0.01], "opt": ["adamw", "sgd"]}, "seeds": 3},
         "tags": [], "notes": "line one\nline two: ü"}
        """)!.AsObject();

    [Fact]
    public void Yaml_reads_back_to_the_same_document()
    {
        var yaml = RequestText.ToYaml(Request);
        yaml.Should().Contain("  lr: 0.003\n").And.Contain("    lr: [0.1, 0.01]\n").And.Contain("family: command\n");
        // Text that YAML would read as another type is quoted; ü and > stay as written.
        yaml.Should().Contain("label: \"true\"").And.Contain("> out.txt").And.Contain("ü");
        yaml.Should().Contain("name: lr sweep\n").And.Contain("notes: |-\n  line one\n  line two: ü\n");
        JsonNode.DeepEquals(RequestText.ParseYaml(yaml), Request).Should().BeTrue(yaml);
    }

    [Fact]
    public void A_multi_line_script_is_a_literal_block_that_reads_back_as_typed()
    {
        var script = "python3 - <<'EOF'\nimport json\nfor s in range(3):\n    print(json.dumps({'step': s}))\n\nEOF";
        var document = new JsonObject { ["family"] = "command", ["config"] = new JsonObject { ["command"] = script } };
        var yaml = RequestText.ToYaml(document);
        yaml.Should().Contain("  command: |-\n    python3 - <<'EOF'\n    import json\n").And.Contain("\n        print(");
        RequestText.ParseYaml(yaml)["config"]!["command"]!.GetValue<string>().Should().Be(script);
    }

    [Fact]
    public void Json_reads_back_to_the_same_document()
    {
        JsonNode.DeepEquals(RequestText.ParseJson(RequestText.ToJson(Request)), Request).Should().BeTrue();
    }

    [Fact]
    public void Hand_written_yaml_types_plain_scalars_and_keeps_quoted_ones_as_text()
    {
        var document = RequestText.ParseYaml("""
            family: residual-streams
            config:
              depth: 24
              learning_rate: 3e-3
              variant: mhc
              precision: "float32"
              seed: ~
            tags:
              - a
              - "007"
            """);
        document["config"]!["depth"]!.GetValue<long>().Should().Be(24);
        document["config"]!["learning_rate"]!.GetValue<double>().Should().Be(0.003);
        document["config"]!["seed"].Should().BeNull();
        document["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Equal("a", "007");
    }

    [Theory]
    [InlineData("config: [1, 2", "line")]
    [InlineData("- a\n- b", "mapping")]
    public void Malformed_text_says_where(string yaml, string expected)
    {
        var act = () => RequestText.ParseYaml(yaml);
        act.Should().Throw<FormatException>().WithMessage($"*{expected}*");
        var json = () => RequestText.ParseJson("{\"a\": ");
        json.Should().Throw<FormatException>().WithMessage("Not valid JSON*");
    }
}
