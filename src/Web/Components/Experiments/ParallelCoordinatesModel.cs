using Dashboard.Domain.Comparisons;
using Dashboard.Domain.Families;

namespace Dashboard.Web.Components.Experiments;

/// <summary>One parcoords axis: its label and a value per line; a categorical axis names its values at whole-number ticks.</summary>
public sealed record ParcoordsDimension(string Label, double[] Values, double[]? TickValues = null, string[]? TickText = null);

/// <summary>
/// What the parallel-coordinates plot draws: one line per finished run with a finite value of every chosen metric,
/// an axis per swept field (numbers as they are, other values as categories) and per metric, the colour by the
/// ranking metric (reversed when lower is better, so the best runs are always the bright end).
/// </summary>
public sealed record ParallelCoordinatesModel(IReadOnlyList<long> RunIds, IReadOnlyList<ParcoordsDimension> Dimensions,
    double[] Color, string ColorTitle, bool ReverseScale, int Left)
{
    public static readonly ParallelCoordinatesModel Empty = new([], [], [], "", false, 0);

    public int Lines => RunIds.Count;

    public static ParallelCoordinatesModel Of(IReadOnlyList<RunResult> results, IReadOnlyList<string> axes, IReadOnlyList<string> metrics,
        string? rankMetric, bool higherIsBetter)
    {
        var finished = results.Where(r => r.IsFinished).ToList();
        var colorKey = rankMetric is not null && metrics.Contains(rankMetric) ? rankMetric : metrics.FirstOrDefault();
        var drawn = finished.Where(r => metrics.All(m => r.FinalMetrics.TryGetValue(m, out var v) && double.IsFinite(v))).ToList();
        if (drawn.Count == 0 || colorKey is null) return Empty with { Left = finished.Count };
        var dimensions = new List<ParcoordsDimension>();
        foreach (var axis in axes.Where(a => drawn.Any(r => r.AxisValues.ContainsKey(a))))
        {
            var nodes = drawn.Select(r => r.AxisValues.TryGetPropertyValue(axis, out var v) ? v : null).ToList();
            if (nodes.All(n => ConfigValue.Number(n) is not null))
                dimensions.Add(new(axis, nodes.Select(n => ConfigValue.Number(n)!.Value).ToArray()));
            else
            {
                var names = nodes.Select(SweepConfig.Show).Distinct().ToList();
                dimensions.Add(new(axis, nodes.Select(n => (double)names.IndexOf(SweepConfig.Show(n))).ToArray(),
                    names.Select((_, i) => (double)i).ToArray(), names.ToArray()));
            }
        }
        foreach (var metric in metrics) dimensions.Add(new(metric, drawn.Select(r => r.FinalMetrics[metric]).ToArray()));
        return new ParallelCoordinatesModel(drawn.Select(r => r.RunId).ToList(), dimensions,
            drawn.Select(r => r.FinalMetrics[colorKey]).ToArray(), colorKey, !higherIsBetter, finished.Count - drawn.Count);
    }

    /// <summary>
    /// The colour scale's ends: the colour values' minimum and maximum; when every line has the same value, that value
    /// ± 1 % of it (± 1 at zero), so the bar reads around the value instead of plotly's −0.4…0.4 for cmin = cmax.
    /// </summary>
    public (double Min, double Max) ColorRange
    {
        get
        {
            if (Color.Length == 0) return (0, 1);
            double min = Color.Min(), max = Color.Max();
            if (min < max) return (min, max);
            var span = min == 0 ? 1 : Math.Abs(min) * 0.01;
            return (min - span, min + span);
        }
    }

    /// <summary>What charts.js's parcoords takes (small: a few numbers per run and axis, so plain JSON).</summary>
    public object Payload() => new
    {
        runIds = RunIds,
        color = Color,
        colorTitle = ColorTitle,
        reverseScale = ReverseScale,
        colorMin = ColorRange.Min,
        colorMax = ColorRange.Max,
        dimensions = Dimensions.Select(d => new { label = d.Label, values = d.Values, tickvals = d.TickValues, ticktext = d.TickText }),
    };
}
