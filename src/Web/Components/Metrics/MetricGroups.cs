using System.Text;
using Dashboard.Infrastructure.Metrics;

namespace Dashboard.Web.Components.Metrics;

/// <summary>
/// Which series share a chart. A run's train and validation versions of a metric ("loss", "val/loss",
/// "train/loss", "val_loss") belong together; every other key gets its own chart. The family's primary metric comes first.
/// </summary>
public static class MetricGroups
{
    private static readonly string[] SplitPrefixes = ["train/", "val/", "valid/", "validation/", "eval/", "test/", "train_", "val_", "eval_", "test_"];

    /// <summary>The metric a key is a split of: "val/loss" → "loss"; a key without a split prefix is itself.</summary>
    public static string BaseOf(string key)
    {
        foreach (var prefix in SplitPrefixes)
            if (key.Length > prefix.Length && key.StartsWith(prefix, StringComparison.Ordinal)) return key[prefix.Length..];
        return key;
    }

    /// <summary>A key as a data-testid part: lower case, anything but letters, digits, _ and - becomes '-'.</summary>
    public static string TestIdOf(string key)
    {
        var text = new StringBuilder(key.Length);
        foreach (var c in key.ToLowerInvariant()) text.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '-');
        return text.ToString();
    }

    /// <summary>The charts of one run: its keys grouped by <see cref="BaseOf"/>, primary metric first, then by name.</summary>
    public static IReadOnlyList<ChartGroupSpec> ForRun(long runId, IEnumerable<string> keys, string? primaryMetric = null) =>
        keys.GroupBy(BaseOf, StringComparer.Ordinal)
            .OrderBy(g => g.Key == BaseOf(primaryMetric ?? "loss") ? 0 : 1).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ChartGroupSpec(TestIdOf(g.Key), g.Key,
                g.OrderBy(k => k == g.Key ? 0 : 1).ThenBy(k => k, StringComparer.Ordinal).Select(k => new TraceSpec(runId, k, k)).ToList()))
            .ToList();

    /// <summary>
    /// The charts of a comparison: one per key that at least two of the runs report (every key when there is one
    /// run), one line per run that has it, named by <paramref name="labelOf"/>.
    /// </summary>
    public static IReadOnlyList<ChartGroupSpec> ForComparison(IReadOnlyList<long> runIds,
        IReadOnlyDictionary<long, IReadOnlyList<SeriesSummary>> keysByRun, Func<long, string> labelOf, string? primaryMetric = null,
        Func<long, string?>? colorOf = null)
    {
        var runsByKey = runIds
            .SelectMany(id => keysByRun.GetValueOrDefault(id, []).Select(s => (Key: s.Key, RunId: id)))
            .GroupBy(x => x.Key, x => x.RunId, StringComparer.Ordinal)
            .Where(g => runIds.Count == 1 || g.Count() >= 2);
        return runsByKey
            .OrderBy(g => g.Key == (primaryMetric ?? "loss") ? 0 : BaseOf(g.Key) == BaseOf(primaryMetric ?? "loss") ? 1 : 2)
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ChartGroupSpec(TestIdOf(g.Key), g.Key, g.Select(id => new TraceSpec(id, g.Key, labelOf(id), colorOf?.Invoke(id))).ToList()))
            .ToList();
    }
}
