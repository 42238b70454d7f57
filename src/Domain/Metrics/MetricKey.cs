using System.Text.RegularExpressions;

namespace Dashboard.Domain.Metrics;

/// <summary>
/// Names of metric series. Free-form within a safe alphabet so that users' own scripts can report
/// anything ("val/loss", "reward.stable"); the well-known names let pages show throughput and memory.
/// </summary>
public static partial class MetricKey
{
    public const int MaxLength = 128;

    public const string Loss = "loss";
    public const string ValLoss = "val/loss";
    public const string GradNorm = "grad_norm";
    public const string LearningRate = "lr";
    public const string TokensPerSecond = "tokens_per_sec";
    public const string StepsPerSecond = "steps_per_sec";
    public const string GpuMemoryAllocatedMb = "gpu/mem_allocated_mb";
    public const string GpuMemoryPeakMb = "gpu/mem_peak_mb";
    public const string NanInfEvents = "nan_inf_events";

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_./:\-]*$")]
    private static partial Regex Shape();

    public static bool IsValid(string? key) => key is { Length: > 0 and <= MaxLength } && Shape().IsMatch(key);

    public static string Describe(string? key) =>
        $"'{key}' is not a metric key: use up to {MaxLength} letters, digits and _ . / : - (not starting with a symbol).";
}
