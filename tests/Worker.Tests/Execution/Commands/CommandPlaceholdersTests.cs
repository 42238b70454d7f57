using System.Text.Json.Nodes;
using Dashboard.Worker.Execution.Commands;

namespace Dashboard.Worker.Tests.Execution.Commands;

public class CommandPlaceholdersTests
{
    private static readonly JsonObject Config = JsonNode.Parse("""
        {"command": "x", "lr": 0.001, "name": "run a", "depth": 12, "amp": true,
         "model": {"width": 256}, "layers": [1, 2]}
        """)!.AsObject();

    [Fact]
    public void Replaces_fields_with_their_values_as_text()
    {
        var command = CommandPlaceholders.Substitute(
            "train.py --lr {lr} --name '{name}' --depth={depth} --amp {amp} --width {model.width} --layers '{layers}'",
            Config, out var unresolved);

        command.Should().Be("train.py --lr 0.001 --name 'run a' --depth=12 --amp true --width 256 --layers '[1,2]'");
        unresolved.Should().BeEmpty();
    }

    [Fact]
    public void Leaves_unknown_names_shell_expansions_and_other_braces_as_written()
    {
        var command = CommandPlaceholders.Substitute(
            "echo {missing} {missing} ${lr} ${HOME} {} awk '{print $1}' {lr}", Config, out var unresolved);

        command.Should().Be("echo {missing} {missing} ${lr} ${HOME} {} awk '{print $1}' 0.001");
        unresolved.Should().Equal("missing");
    }
}
