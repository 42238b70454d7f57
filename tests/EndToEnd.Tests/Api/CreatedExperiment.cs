using System.Text.Json.Nodes;

namespace Dashboard.EndToEnd.Tests.Api;

/// <summary>What POST /api/experiments answers: the experiment and its runs, in order.</summary>
public sealed record CreatedExperiment(JsonNode Body)
{
    public long ExperimentId => Body["experiment"]!["id"]!.GetValue<long>();
    public IReadOnlyList<long> RunIds => Body["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()).ToList();
}
