using System.Threading.Channels;
using Dashboard.Domain.Metrics;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Worker.Execution;

namespace Dashboard.Worker.Hosting;

/// <summary>
/// Collects a run's metric points and writes them in batches (at most one write per 200 ms, a point arriving after a
/// quiet 200 ms at once, or sooner when 20,000 are waiting), so a fast training loop never waits on the database.
/// While the database is away, writes are retried with backoff for as long as it takes (writes are idempotent, so a
/// retried batch never duplicates a point) and points wait in memory, up to <see cref="MaxBuffered"/>; past that,
/// reporting blocks — a command's output stops being read and the command itself waits on its next write — so no
/// point is ever dropped.
/// Also remembers each key's latest value for the run's summary.
/// </summary>
public sealed class MetricBatcher : IMetricSink, IAsyncDisposable
{
    /// <summary>Default bound: a million points is about 100 MB of the worker's memory.</summary>
    public const int DefaultMaxBuffered = 1_000_000;
    private const int BatchSize = 20_000;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan WriteInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LineGrace = TimeSpan.FromMilliseconds(5);

    private readonly long _runId;
    private readonly MetricWriter _writer;
    private readonly Action<string> _log;
    private readonly Channel<MetricPoint> _points;
    private readonly Dictionary<string, double> _latest = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _abandon = new();
    private readonly Task _pump;
    private int _warnedFull;

    public MetricBatcher(long runId, MetricWriter writer, Action<string> log, int maxBuffered = DefaultMaxBuffered)
    {
        _runId = runId;
        _writer = writer;
        _log = log;
        MaxBuffered = maxBuffered;
        _points = Channel.CreateBounded<MetricPoint>(new BoundedChannelOptions(maxBuffered)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _pump = Task.Run(PumpAsync);
    }

    public int MaxBuffered { get; }

    private long _reported;
    private long _written;

    public long Written => Interlocked.Read(ref _written);

    public IReadOnlyDictionary<string, double> Latest
    {
        get { lock (_latest) return new Dictionary<string, double>(_latest); }
    }

    public void Report(long step, IReadOnlyDictionary<string, double> values, DateTimeOffset wallTime)
    {
        lock (_latest)
            foreach (var (key, value) in values)
                _latest[key] = value;
        foreach (var (key, value) in values)
        {
            var point = new MetricPoint(_runId, key, step, value, wallTime);
            if (!_points.Writer.TryWrite(point) && !WaitToWrite(point)) continue;
            Interlocked.Increment(ref _reported);
        }
    }

    /// <summary>The buffer is full (the database is away): wait for room rather than drop a point.</summary>
    private bool WaitToWrite(MetricPoint point)
    {
        if (Interlocked.Exchange(ref _warnedFull, 1) == 0)
            _log($"{MaxBuffered} metric points are waiting for the database; the run's reporting waits until it takes them.");
        try
        {
            _points.Writer.WriteAsync(point, _abandon.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            return false; // abandoned (the lease was lost) or already disposed
        }
    }

    /// <summary>Waits until every point reported so far is stored, however long the database is away.</summary>
    public void Flush()
    {
        var target = Interlocked.Read(ref _reported);
        while (Interlocked.Read(ref _written) < target)
        {
            if (_pump.IsCompleted || _abandon.IsCancellationRequested)
                throw new IOException($"metrics of run {_runId} could not be stored ({Written} of {target} written)");
            Thread.Sleep(5);
        }
    }

    /// <summary>Drops what is not written yet and stops retrying: the run's lease was taken, nothing more may be written.</summary>
    public void Abandon()
    {
        _points.Writer.TryComplete();
        _abandon.Cancel();
    }

    private async Task PumpAsync()
    {
        var batch = new List<MetricPoint>(BatchSize);
        var reader = _points.Reader;
        var lastWrite = DateTime.MinValue;
        while (await reader.WaitToReadAsync())
        {
            // At most one write per WriteInterval, timed from the previous write rather than from this batch's first
            // point: a script that prints a line now and then has it stored at once (live pages see it ~200 ms sooner),
            // and a fast loop still makes at most five writes a second. The few milliseconds of grace keep the keys of
            // one printed line (reported one after another) in one write.
            var now = DateTime.UtcNow;
            var deadline = lastWrite + WriteInterval > now + LineGrace ? lastWrite + WriteInterval : now + LineGrace;
            while (batch.Count < BatchSize)
            {
                if (reader.TryRead(out var point)) { batch.Add(point); continue; }
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || reader.Completion.IsCompleted) break;
                using var wait = new CancellationTokenSource(left);
                try { if (!await reader.WaitToReadAsync(wait.Token)) break; }
                catch (OperationCanceledException) { break; }
            }
            lastWrite = DateTime.UtcNow;
            if (!await WriteWithRetryAsync(batch)) return;
            batch.Clear();
        }
    }

    /// <summary>Retries as long as the database is unreachable; false when abandoned.</summary>
    private async Task<bool> WriteWithRetryAsync(List<MetricPoint> batch)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            if (_abandon.IsCancellationRequested) return false;
            try
            {
                await _writer.WriteAsync(batch, _abandon.Token);
                Interlocked.Add(ref _written, batch.Count);
                if (attempt > 1) _log($"metric writes resumed after {attempt - 1} failed tries");
                return true;
            }
            catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception e) when (DatabaseFailures.IsTransient(e))
            {
                if (attempt == 1 || attempt % 20 == 0) _log($"metric write failed ({e.Message}); retrying until the database is back");
                try { await Task.Delay(delay, _abandon.Token); }
                catch (OperationCanceledException) { return false; }
                delay = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, delay.Ticks * 2));
            }
        }
    }

    /// <summary>Writes everything reported so far (waiting out an outage), unless abandoned.</summary>
    public async ValueTask DisposeAsync()
    {
        _points.Writer.TryComplete();
        await _pump;
    }
}
