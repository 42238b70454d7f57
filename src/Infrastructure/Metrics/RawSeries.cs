namespace Dashboard.Infrastructure.Metrics;

/// <summary>A series' points as parallel arrays in step order (wall times in unix seconds): cheap to scan.</summary>
internal sealed class RawSeries(long[] steps, double[] values, double[] times)
{
    public long[] Steps { get; } = steps;
    public double[] Values { get; } = values;
    public double[] Times { get; } = times;
    public int Count => Steps.Length;

    public static DateTimeOffset Time(double unixSeconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(unixSeconds * 1000));

    public IReadOnlyList<SeriesPoint> ToPoints()
    {
        var points = new SeriesPoint[Count];
        for (var i = 0; i < Count; i++) points[i] = new SeriesPoint(Steps[i], Values[i], Time(Times[i]));
        return points;
    }

    /// <summary>Joins chunks read in first-step order. Chunks written out of order may overlap in range; then sort.</summary>
    public static RawSeries Concatenate(List<(long[] Steps, double[] Values, double[] Times)> chunks, long fromStep)
    {
        var total = chunks.Sum(c => c.Steps.Length);
        var steps = new long[total];
        var values = new double[total];
        var times = new double[total];
        var n = 0;
        var ordered = true;
        foreach (var (s, v, t) in chunks)
        {
            var from = 0;
            while (from < s.Length && s[from] < fromStep) from++;
            var count = s.Length - from;
            if (count == 0) continue;
            if (n > 0 && s[from] <= steps[n - 1]) ordered = false;
            Array.Copy(s, from, steps, n, count);
            Array.Copy(v, from, values, n, count);
            Array.Copy(t, from, times, n, count);
            n += count;
        }
        Array.Resize(ref steps, n);
        Array.Resize(ref values, n);
        Array.Resize(ref times, n);
        if (!ordered)
        {
            var order = Enumerable.Range(0, n).ToArray();
            Array.Sort(steps.ToArray(), order);
            steps = order.Select(i => steps[i]).ToArray();
            values = order.Select(i => values[i]).ToArray();
            times = order.Select(i => times[i]).ToArray();
        }
        return new RawSeries(steps, values, times);
    }
}
