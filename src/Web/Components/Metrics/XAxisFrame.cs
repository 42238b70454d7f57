using Dashboard.Infrastructure.Metrics;

namespace Dashboard.Web.Components.Metrics;

/// <summary>
/// Turns points into x values for the chosen axis. Relative time counts from each run's first point, in the
/// unit that suits the longest run when the charts were loaded; clock time is unix milliseconds on a date axis.
/// </summary>
public sealed class XAxisFrame
{
    private readonly IReadOnlyDictionary<long, DateTimeOffset> _origins;
    private readonly double _secondsPerUnit;

    private XAxisFrame(XAxisMode mode, IReadOnlyDictionary<long, DateTimeOffset> origins, double secondsPerUnit, string title)
    {
        Mode = mode;
        _origins = origins;
        _secondsPerUnit = secondsPerUnit;
        Title = title;
    }

    public XAxisMode Mode { get; }
    public string Title { get; }
    public string PlotlyType => Mode == XAxisMode.Clock ? "date" : "linear";

    public static XAxisFrame For(XAxisMode mode, IEnumerable<LiveTrace> traces)
    {
        var list = traces.Where(t => t.Points.Count > 0).ToList();
        var origins = list.GroupBy(t => t.Spec.RunId).ToDictionary(g => g.Key, g => g.Min(t => t.Points[0].WallTime));
        if (mode != XAxisMode.RelativeTime)
            return new XAxisFrame(mode, origins, 1, mode == XAxisMode.Step ? "step" : "time");
        var longest = list.Count == 0 ? 0 : list.Max(t => (t.Points[^1].WallTime - origins[t.Spec.RunId]).TotalSeconds);
        var (unit, name) = longest switch { < 120 => (1.0, "s"), < 7200 => (60.0, "min"), _ => (3600.0, "h") };
        return new XAxisFrame(mode, origins, unit, $"wall time ({name})");
    }

    public double X(long runId, SeriesPoint point) => Mode switch
    {
        XAxisMode.Step => point.Step,
        XAxisMode.Clock => point.WallTime.ToUnixTimeMilliseconds(),
        _ => (point.WallTime - _origins.GetValueOrDefault(runId, point.WallTime)).TotalSeconds / _secondsPerUnit,
    };
}
