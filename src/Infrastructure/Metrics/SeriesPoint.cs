namespace Dashboard.Infrastructure.Metrics;

/// <summary>One point of a chart series (possibly standing for a bucket of raw points).</summary>
public readonly record struct SeriesPoint(long Step, double Value, DateTimeOffset WallTime);

/// <summary>A run's series: its points (downsampled when <see cref="Downsampled"/>), and the raw count.</summary>
public sealed record Series(long RunId, string Key, long RawCount, bool Downsampled, IReadOnlyList<SeriesPoint> Points);

/// <summary>What a run reports under one key: how many points, and the latest value.</summary>
public sealed record SeriesSummary(string Key, long Count, long LastStep, double LastValue, double Min, double Max);
