namespace Dashboard.Infrastructure.Metrics;

/// <summary>
/// The min/max bucket downsampler as a running aggregate: points can be added one at a time, as they are
/// decoded from the stored chunks, in any order, so a long series is never gathered into one array first.
/// Equal step buckets over [first, last]; each gives its minimum and its maximum (so spikes and divergence
/// stay visible), placed at the bucket's first and last step in the order of the bucket's trend (the sign of
/// its regression slope), so a falling curve does not zig-zag. A NaN in a bucket makes its maximum NaN, as a
/// chart must show that the run broke there. At most 2 × (maxPoints / 2) points.
/// </summary>
internal sealed class MinMaxBuckets
{
    private readonly long _lo;
    private readonly long _span;
    private readonly int _buckets;
    private readonly Bucket[] _state;
    // The bucket the last point fell in, and where it ends: consecutive steps skip the division.
    private int _current = -1;
    private long _currentEnd = long.MinValue;
    private long _currentStart = long.MaxValue;

    public MinMaxBuckets(long firstStep, long lastStep, int maxPoints)
    {
        _lo = firstStep;
        _span = Math.Max(1, lastStep - firstStep + 1);
        _buckets = (int)Math.Min(Math.Max(1, maxPoints / 2), _span);
        _state = new Bucket[_buckets];
    }

    public void Add(long step, double value, double wallTime)
    {
        if (step < _currentStart || step >= _currentEnd)
        {
            _current = (int)Math.Clamp((long)((Int128)(step - _lo) * _buckets / _span), 0, _buckets - 1);
            _currentStart = _lo + (long)(((Int128)_current * _span + _buckets - 1) / _buckets);
            _currentEnd = _lo + (long)(((Int128)(_current + 1) * _span + _buckets - 1) / _buckets);
        }
        ref var b = ref _state[_current];
        if (b.Count == 0 || step < b.FirstStep) (b.FirstStep, b.FirstTime, b.FirstValue) = (step, wallTime, value);
        if (b.Count == 0 || step > b.LastStep) (b.LastStep, b.LastTime) = (step, wallTime);
        b.Count++;
        if (double.IsNaN(value)) { b.SawNaN = true; return; }
        if (!b.HasValue || value < b.Min) b.Min = value;
        if (!b.HasValue || value > b.Max) b.Max = value;
        b.HasValue = true;
        if (double.IsFinite(value))
        {
            double x = step - _currentStart;
            b.Sx += x; b.Sy += value; b.Sxy += x * value; b.N++;
        }
    }

    public IReadOnlyList<SeriesPoint> Points()
    {
        var result = new List<SeriesPoint>(_buckets * 2);
        foreach (var b in _state)
        {
            if (b.Count == 0) continue;
            if (b.Count == 1)
            {
                result.Add(new SeriesPoint(b.FirstStep, b.FirstValue, RawSeries.Time(b.FirstTime)));
                continue;
            }
            var min = b.HasValue ? b.Min : double.NaN;
            var max = b.SawNaN || !b.HasValue ? double.NaN : b.Max;
            var falling = b.N > 1 && b.N * b.Sxy - b.Sx * b.Sy < 0;
            result.Add(new SeriesPoint(b.FirstStep, falling ? max : min, RawSeries.Time(b.FirstTime)));
            result.Add(new SeriesPoint(b.LastStep, falling ? min : max, RawSeries.Time(b.LastTime)));
        }
        return result;
    }

    private struct Bucket
    {
        public long Count, FirstStep, LastStep;
        public double FirstTime, LastTime, FirstValue, Min, Max, Sx, Sy, Sxy;
        public long N;
        public bool HasValue, SawNaN;
    }
}
