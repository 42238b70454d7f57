using Dashboard.Worker.Execution;

namespace Dashboard.Worker.Tests.Execution.Doubles;

/// <summary>Keeps every reported metric value in memory, in order.</summary>
public sealed class RecordingMetricSink : IMetricSink
{
    private readonly List<RecordedPoint> points = [];

    public IReadOnlyList<RecordedPoint> Points
    {
        get { lock (points) return points.ToList(); }
    }

    public Action? OnReport { get; set; }

    public void Report(long step, IReadOnlyDictionary<string, double> values, DateTimeOffset wallTime)
    {
        OnReport?.Invoke();
        lock (points)
            foreach (var (key, value) in values)
                points.Add(new RecordedPoint(step, key, value, wallTime));
    }

    public IReadOnlyList<RecordedPoint> Series(string key) => Points.Where(p => p.Key == key).ToList();
}

public readonly record struct RecordedPoint(long Step, string Key, double Value, DateTimeOffset WallTime);
