using System.Threading.Channels;
using Dashboard.Domain.Metrics;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Worker.Execution;

namespace Dashboard.Worker.Hosting;

/// <summary>
/// Collects a run's metric points and writes them in batches (at most one write per 200 ms, a point arriving after a
/// quiet 200 ms at once, or sooner when 20,000 are waiting),
/// so a fast training loop never waits on the database. A failed write is retried: writes are idempotent.
/// Also remembers each key's latest value for the run's summary.
/// </summary>
public sealed class MetricBatcher : IMetricSink, IAsyncDisposable
{
    private const int BatchSize = 20_000;
    private static readonly TimeSpan WriteInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LineGrace = TimeSpan.FromMilliseconds(5);
    private readonly long _runId;
    private readonly MetricWriter _writer;
    private readonly Action<string> _log;
    private readonly Channel<MetricPoint> _points = Channel.CreateUnbounded<MetricPoint>(new() { SingleReader = true });
    private readonly Dictionary<string, double> _latest = new(StringComparer.Ordinal);
    private readonly Task _pump;

    public MetricBatcher(long runId, MetricWriter writer, Action<string> log)
    {
        _runId = runId;
        _writer = writer;
        _log = log;
        _pump = Task.Run(PumpAsync);
    }

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
            if (_points.Writer.TryWrite(new MetricPoint(_runId, key, step, value, wallTime)))
                Interlocked.Increment(ref _reported);
    }

    public void Flush()
    {
        var target = Interlocked.Read(ref _reported);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (Interlocked.Read(ref _written) < target)
        {
            if (_pump.IsCompleted || DateTime.UtcNow > deadline)
                throw new IOException($"metrics of run {_runId} could not be stored ({Written} of {target} written)");
            Thread.Sleep(5);
        }
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
            await WriteWithRetryAsync(batch);
            batch.Clear();
        }
    }

    private async Task WriteWithRetryAsync(List<MetricPoint> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _writer.WriteAsync(batch);
                Interlocked.Add(ref _written, batch.Count);
                return;
            }
            catch (Exception e) when (attempt < 8 && e is Npgsql.NpgsqlException or TimeoutException or IOException)
            {
                _log($"metric write failed ({e.Message}); retrying");
                await Task.Delay(TimeSpan.FromMilliseconds(100 * (1 << attempt)));
            }
        }
    }

    /// <summary>Writes everything reported so far.</summary>
    public async ValueTask DisposeAsync()
    {
        _points.Writer.TryComplete();
        await _pump;
    }
}
