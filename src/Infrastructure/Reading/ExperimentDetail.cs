using System.Text.Json.Nodes;
using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Runs;

namespace Dashboard.Infrastructure.Reading;

/// <summary>An experiment with its runs (in sweep order) and the last value of every metric each run reported.</summary>
public sealed record ExperimentDetail(
    Experiment Experiment,
    IReadOnlyList<Run> Runs,
    IReadOnlyDictionary<long, IReadOnlyDictionary<string, double>> FinalMetrics)
{
    public IReadOnlyDictionary<string, double> FinalMetricsOf(long runId) =>
        FinalMetrics.GetValueOrDefault(runId) ?? new Dictionary<string, double>();

    /// <summary>The runs as the comparisons read them.</summary>
    public IReadOnlyList<RunResult> Results() => Runs.Select(r => new RunResult(
        r.Id, JsonNode.Parse(r.AxisValues) as JsonObject ?? [], r.Seed, r.State, FinalMetricsOf(r.Id))).ToList();
}
