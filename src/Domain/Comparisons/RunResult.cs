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
    /// <summary>A run whose numbers are results: it ran to the end (or diverged on the way, which is a result too).</summary>
    public bool IsFinished => State is RunState.Succeeded or RunState.Diverged;
}
