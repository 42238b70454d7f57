using System.Globalization;
using Dashboard.Domain.Comparisons;

namespace Dashboard.Domain.Claims;

public enum ReadingKind { Final, Min, Max, AtStep }

/// <summary>Which number of a run's series a claim reads: its final value, its minimum or maximum, or its value at a step.</summary>
public sealed record MetricReading(string Key, ReadingKind Kind = ReadingKind.Final, long? Step = null)
{
    /// <summary>The run's value, or null when the run has none (a run that never reported the metric).</summary>
    public double? Of(RunResult run) => Kind switch
    {
        ReadingKind.Min => Lookup(run.MinMetrics, Key),
        ReadingKind.Max => Lookup(run.MaxMetrics, Key),
        ReadingKind.AtStep => run.StepMetrics.TryGetValue(new MetricAtStep(Key, Step ?? 0), out var v) ? v : null,
        _ => Lookup(run.FinalMetrics, Key),
    };

    /// <summary>The reading as the claims' JSON writes it: "final", "min", "max" or "step:100".</summary>
    public string ReadingText => Kind switch
    {
        ReadingKind.Min => "min",
        ReadingKind.Max => "max",
        ReadingKind.AtStep => $"step:{Step?.ToString(CultureInfo.InvariantCulture)}",
        _ => "final",
    };

    public override string ToString() => Kind switch
    {
        ReadingKind.AtStep => $"{Key} at step {Step?.ToString(CultureInfo.InvariantCulture)}",
        _ => $"{ReadingText} {Key}",
    };

    private static double? Lookup(IReadOnlyDictionary<string, double> values, string key) =>
        values.TryGetValue(key, out var v) ? v : null;
}
