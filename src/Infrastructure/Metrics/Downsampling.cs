namespace Dashboard.Infrastructure.Metrics;

/// <summary>Cuts a long series down to what a chart can draw without hiding what matters in it.</summary>
internal static class Downsampling
{
    /// <summary>
    /// Equal step buckets; each gives its minimum and its maximum (so spikes and divergence stay visible),
    /// placed at the bucket's first and last step in the order of the bucket's trend (the sign of its
    /// regression slope), so a falling curve does not zig-zag. A NaN in a bucket makes its maximum NaN,
    /// as a chart must show that the run broke there. At most <paramref name="maxPoints"/> points.
    /// </summary>
    public static IReadOnlyList<SeriesPoint> MinMaxBuckets(RawSeries raw, int maxPoints)
    {
        var buckets = Math.Max(1, maxPoints / 2);
        long lo = raw.Steps[0], hi = raw.Steps[^1];
        var span = hi - lo + 1;
        // Integer bucket arithmetic: exact, and cheaper than a division by a double per point.
        long BucketOf(int index) => (long)((Int128)(raw.Steps[index] - lo) * buckets / span);
        var result = new List<SeriesPoint>(maxPoints);
        var i = 0;
        while (i < raw.Count)
        {
            var bucket = BucketOf(i);
            var boundary = lo + (long)(((Int128)(bucket + 1) * span + buckets - 1) / buckets); // first step of the next bucket
            int first = i, minAt = -1, maxAt = -1;
            var sawNaN = -1;
            double sx = 0, sy = 0, sxy = 0, sxx = 0;
            var n = 0;
            for (; i < raw.Count && raw.Steps[i] < boundary; i++)
            {
                var v = raw.Values[i];
                if (double.IsNaN(v)) { sawNaN = i; continue; }
                if (minAt < 0 || v < raw.Values[minAt]) minAt = i;
                if (maxAt < 0 || v > raw.Values[maxAt]) maxAt = i;
                if (double.IsFinite(v))
                {
                    double x = raw.Steps[i] - raw.Steps[first];
                    sx += x; sy += v; sxy += x * v; sxx += x * x; n++;
                }
            }
            var last = i - 1;
            if (first == last)
            {
                result.Add(Point(raw, first, raw.Values[first]));
                continue;
            }
            var min = minAt < 0 ? double.NaN : raw.Values[minAt];
            var max = sawNaN >= 0 ? double.NaN : maxAt < 0 ? double.NaN : raw.Values[maxAt];
            var falling = n > 1 && n * sxy - sx * sy < 0;
            result.Add(Point(raw, first, falling ? max : min));
            result.Add(Point(raw, last, falling ? min : max));
        }
        return result;
    }

    private static SeriesPoint Point(RawSeries raw, int index, double value) =>
        new(raw.Steps[index], value, RawSeries.Time(raw.Times[index]));
}
