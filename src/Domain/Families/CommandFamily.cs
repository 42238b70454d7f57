using System.Text.Json.Nodes;

namespace Dashboard.Domain.Families;

/// <summary>
/// A user's own script: a shell command whose JSON lines on stdout are metrics. Any other config field is a
/// parameter: "{name}" in the command is replaced by its value, and the whole config is passed in
/// DASHBOARD_CONFIG (JSON), so sweeps work for any script.
/// </summary>
public sealed class CommandFamily : ExperimentFamily
{
    public const string FamilyName = "command";

    public override string Name => FamilyName;
    public override string Title => "Command";
    public override string Description =>
        "Runs a command (Python or anything else). JSON lines on stdout such as {\"step\": 10, \"loss\": 2.31} become metrics; other lines are the log.";

    public override bool AllowsExtraFields => true;

    public override IReadOnlyList<ConfigField> Fields { get; } =
    [
        new("command", ConfigFieldType.Text, null, "Shell command, run with /bin/sh -c. {field} is replaced by a config value.", Required: true),
        new("working_directory", ConfigFieldType.Text, null, "Directory to run in (default: the worker's runs folder for this run)."),
        new("env", ConfigFieldType.TextMap, null, "Extra environment variables."),
        new("total_steps", ConfigFieldType.Integer, null, "Steps the script will report, for progress bars.", Min: 1, Max: MaxSteps),
    ];

    protected override IEnumerable<ValidationError> CrossFieldProblems(JsonObject config, string prefix)
    {
        if (string.IsNullOrWhiteSpace(config["command"]?.GetValue<string>()))
            yield return new($"{prefix}.command", "must not be empty.");
    }

    public override long? TotalSteps(JsonObject config) =>
        ConfigValue.Integer(config["total_steps"]);
}
