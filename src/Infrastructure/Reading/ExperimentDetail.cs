using System.Text.Json.Nodes;
using Dashboard.Domain.Claims;
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
    private static readonly IReadOnlyDictionary<string, double> None = new Dictionary<string, double>();

    /// <summary>Each run's smallest and largest value of each metric, and the values at the steps the claims ask about.</summary>
    public IReadOnlyDictionary<long, IReadOnlyDictionary<string, double>> MinMetrics { get; init; } = new Dictionary<long, IReadOnlyDictionary<string, double>>();
    public IReadOnlyDictionary<long, IReadOnlyDictionary<string, double>> MaxMetrics { get; init; } = new Dictionary<long, IReadOnlyDictionary<string, double>>();
    public IReadOnlyDictionary<long, IReadOnlyDictionary<MetricAtStep, double>> StepMetrics { get; init; } = new Dictionary<long, IReadOnlyDictionary<MetricAtStep, double>>();

    public IReadOnlyDictionary<string, double> FinalMetricsOf(long runId) =>
        FinalMetrics.GetValueOrDefault(runId) ?? new Dictionary<string, double>();

    /// <summary>The runs as the comparisons read them.</summary>
    public IReadOnlyList<RunResult> Results() => Runs.Select(r => new RunResult(
        r.Id, JsonNode.Parse(r.AxisValues) as JsonObject ?? [], r.Seed, r.State, FinalMetricsOf(r.Id))
    {
        MinMetrics = MinMetrics.GetValueOrDefault(r.Id) ?? None,
        MaxMetrics = MaxMetrics.GetValueOrDefault(r.Id) ?? None,
        StepMetrics = StepMetrics.GetValueOrDefault(r.Id) ?? new Dictionary<MetricAtStep, double>(),
    }).ToList();

    /// <summary>The claims stored with the experiment (none when it has none).</summary>
    public IReadOnlyList<ClaimDefinition> Claims() => ClaimsOf(Experiment);

    public static IReadOnlyList<ClaimDefinition> ClaimsOf(Experiment experiment) =>
        experiment.Claims is { } json ? ClaimJson.Parse(JsonNode.Parse(json)) : [];
}
