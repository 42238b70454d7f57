using System.Text.Json.Nodes;
using Dashboard.Domain.Runs;

namespace Dashboard.Domain.Comparisons;

/// <summary>
/// One run as the comparisons see it: where it sits in the sweep (its axis values, without the seed), its
/// seed, its state, and the last value of each metric it reported.
/// </summary>
public sealed record RunResult(
    long RunId,
    JsonObject AxisValues,
    long? Seed,
    RunState State,
    IReadOnlyDictionary<string, double> FinalMetrics)
{
    /// <summary>The smallest and largest value of each metric (claims that read "min" or "max"); empty when not read.</summary>
    public IReadOnlyDictionary<string, double> MinMetrics { get; init; } = new Dictionary<string, double>();
    public IReadOnlyDictionary<string, double> MaxMetrics { get; init; } = new Dictionary<string, double>();
    /// <summary>Values at the steps that claims ask about (the last point at or before the step); empty when not read.</summary>
    public IReadOnlyDictionary<MetricAtStep, double> StepMetrics { get; init; } = new Dictionary<MetricAtStep, double>();

    /// <summary>A run whose numbers are results: it ran to the end (or diverged on the way, which is a result too).</summary>
    public bool IsFinished => State is RunState.Succeeded or RunState.Diverged;
}

/// <summary>A metric's value at one step: a key of <see cref="RunResult.StepMetrics"/>.</summary>
public readonly record struct MetricAtStep(string Key, long Step);
