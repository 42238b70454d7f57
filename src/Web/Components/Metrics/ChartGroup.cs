using Dashboard.Web.Components.Charts;

namespace Dashboard.Web.Components.Metrics;

/// <summary>
/// One chart's lines and the traces last handed to its Chart component. Appends go straight to the browser, so
/// <see cref="Drawn"/> lags behind the points until <see cref="Build"/> runs again (a redraw after a reload,
/// an axis change, or the chart coming back into view).
/// </summary>
public sealed class ChartGroup(ChartGroupSpec spec)
{
    public ChartGroupSpec Spec { get; } = spec;
    public string Id => Spec.Id;
    public string Title => Spec.Title;
    public IReadOnlyList<LiveTrace> Traces { get; } = spec.Traces.Select(t => new LiveTrace(t)).ToList();
    public IReadOnlyList<ChartTrace> Drawn { get; private set; } = [];
    /// <summary>Points were appended in the browser since <see cref="Drawn"/> was built.</summary>
    public bool Stale { get; set; }
    public int PointCount => Traces.Sum(t => t.Points.Count);

    public void Build(XAxisFrame frame)
    {
        Drawn = Traces.Select(t => new ChartTrace(t.Spec.Name,
            t.Points.Select(p => frame.X(t.Spec.RunId, p)).ToArray(),
            t.Points.Select(p => p.Value).ToArray()) { Color = t.Spec.Color }).ToList();
        Stale = false;
    }
}
