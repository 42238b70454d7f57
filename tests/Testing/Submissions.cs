using System.Text.Json.Nodes;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;
using Dashboard.Domain.Scheduling;
using Dashboard.Domain.Sweeps;

namespace Dashboard.Testing;

/// <summary>Ready-made experiment submissions for tests: command runs with a given sweep.</summary>
public static class Submissions
{
    public static ExperimentSubmission Command(string command = "true", int runs = 1, DateTimeOffset? notBefore = null,
        DeviceRequirement? device = null, int maxAttempts = 3, int priority = 0, int? timeLimitSeconds = null)
    {
        var family = new CommandFamily();
        var config = family.WithDefaults(new JsonObject { ["command"] = command });
        var sweep = runs == 1
            ? SweepSpec.Single
            : new SweepSpec([new SweepAxis("i", Enumerable.Range(0, runs).Select(i => (JsonNode?)JsonValue.Create(i)).ToList())], []);
        return new ExperimentSubmission
        {
            Name = $"test {command}",
            Family = family,
            Config = config,
            Sweep = sweep,
            NotBefore = notBefore,
            Device = device ?? DeviceRequirement.Cpu,
            MaxAttempts = maxAttempts,
            Priority = priority,
            TimeLimitSeconds = timeLimitSeconds,
        };
    }
}
