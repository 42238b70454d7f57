namespace Dashboard.Infrastructure.Metrics;

/// <summary>Cuts a long series down to what a chart can draw without hiding what matters in it.</summary>
internal static class Downsampling
{
    /// <summary>At most <paramref name="maxPoints"/> points through <see cref="Metrics.MinMaxBuckets"/>.</summary>
    public static IReadOnlyList<SeriesPoint> MinMaxBuckets(RawSeries raw, int maxPoints)
    {
        var buckets = new MinMaxBuckets(raw.Steps[0], raw.Steps[^1], maxPoints);
        for (var i = 0; i < raw.Count; i++) buckets.Add(raw.Steps[i], raw.Values[i], raw.Times[i]);
        return buckets.Points();
    }
}
