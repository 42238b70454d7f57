namespace Dashboard.Worker.Execution.Commands;

/// <summary>What one JSON line on a command's stdout says, before steps are numbered.</summary>
/// <param name="Step">Null when the line has no "step" (the caller numbers it).</param>
/// <param name="WallTime">From "wall_time" or "time" (unix seconds); null means "now".</param>
/// <param name="TotalSteps">From "total_steps", for the progress bar.</param>
/// <param name="Values">Metric values under valid keys, NaN and infinities included.</param>
/// <param name="Problems">Why fields were left out (invalid keys, too many values), for the log.</param>
internal sealed record MetricRecord(
    long? Step,
    DateTimeOffset? WallTime,
    long? TotalSteps,
    IReadOnlyDictionary<string, double> Values,
    IReadOnlyList<string> Problems);
