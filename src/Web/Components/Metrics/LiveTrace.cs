using Dashboard.Infrastructure.Metrics;

namespace Dashboard.Web.Components.Metrics;

/// <summary>What has been drawn of one line: its points (downsampled as loaded, plus raw appends) and the last step.</summary>
public sealed class LiveTrace(TraceSpec spec)
{
    public TraceSpec Spec { get; } = spec;
    public List<SeriesPoint> Points { get; } = [];
    public long LastStep { get; private set; } = long.MinValue;

    public void Replace(IReadOnlyList<SeriesPoint> points)
    {
        Points.Clear();
        LastStep = long.MinValue;
        Append(points);
    }

    public void Append(IReadOnlyList<SeriesPoint> points)
    {
        Points.AddRange(points);
        if (points.Count > 0) LastStep = Math.Max(LastStep, points[^1].Step);
    }
}
