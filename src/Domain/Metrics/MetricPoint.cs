namespace Dashboard.Domain.Metrics;

/// <summary>One value of one series of one run at one step. (run, key, step) identifies it.</summary>
public readonly record struct MetricPoint(long RunId, string Key, long Step, double Value, DateTimeOffset WallTime);
