using System.Globalization;
using System.Text.Json.Nodes;

namespace Dashboard.EndToEnd.Tests.Api;

/// <summary>
/// Experiments of the "command" family that the tests queue: shell loops that print metric lines as JSON, the way a
/// user's own training script reports (see the README). /bin/sh is dash, so only POSIX shell is used.
/// </summary>
public static class CommandExperiments
{
    /// <summary>Prints <paramref name="steps"/> points of a loss that falls as scale/(step+1), <paramref name="delaySeconds"/> apart.</summary>
    public static string LossCurve(int steps, double delaySeconds = 0, double scale = 1) =>
        $"i=0; while [ $i -lt {steps} ]; do " +
        """echo "{\"step\": $i, \"loss\": $(awk "BEGIN{print """ + scale.ToString(CultureInfo.InvariantCulture) + """/($i+1)}")}"; """ +
        (delaySeconds > 0 ? $"sleep {delaySeconds.ToString(CultureInfo.InvariantCulture)}; " : "") +
        "i=$((i+1)); done";

    /// <summary>A POST /api/experiments body; <paramref name="config"/> adds config fields beside the command (e.g. an lr to sweep or compare).</summary>
    public static JsonObject Request(string name, string command, int? totalSteps = null, JsonObject? config = null, JsonObject? sweep = null)
    {
        config ??= [];
        config["command"] = command;
        if (totalSteps is { } total) config["total_steps"] = total;
        var request = new JsonObject
        {
            ["name"] = name,
            ["family"] = "command",
            ["config"] = config,
            ["schedule"] = "now",
            ["device"] = "cpu",
        };
        if (sweep is not null) request["sweep"] = sweep;
        return request;
    }

    /// <summary>A name no other test (or earlier run against the same data) uses.</summary>
    public static string UniqueName(string what) => $"{what} {Guid.NewGuid().ToString("N")[..6]}";
}
