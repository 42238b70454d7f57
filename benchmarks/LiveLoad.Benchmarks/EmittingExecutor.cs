using System.Globalization;
using Dashboard.Domain.Families;
using Dashboard.Worker.Execution;

namespace Dashboard.LiveLoad.Benchmarks;

/// <summary>
/// Stands for the training script of live-latency.mjs on a remote worker: for a "command" run it waits
/// <see cref="Warmup"/>, then reports <c>{"step": i, "emitted": &lt;epoch ms&gt;}</c> for i = 0 … steps − 1, one every
/// <see cref="Interval"/>, exactly as the worker's command executor reports such a printed line (the line to the run's
/// log, the values to the metric sink with the step, then progress) — without forking a shell on this machine.
/// The points keep a fixed schedule (start + i × interval), so a slow moment here does not stretch the run.
/// </summary>
public sealed class EmittingExecutor(int steps, TimeSpan interval, TimeSpan warmup) : IRunExecutor
{
    public TimeSpan Interval => interval;
    public TimeSpan Warmup => warmup;

    public bool CanExecute(string family) => family == CommandFamily.FamilyName;

    public async Task<RunOutcome> ExecuteAsync(RunContext context, CancellationToken cancellationToken)
    {
        var total = new CommandFamily().TotalSteps(context.Config);
        try
        {
            await Task.Delay(warmup, cancellationToken);
            var start = DateTimeOffset.UtcNow;
            for (var step = 0; step < steps; step++)
            {
                var due = start + interval * step;
                if (due > DateTimeOffset.UtcNow) await Task.Delay(due - DateTimeOffset.UtcNow, cancellationToken);
                var now = DateTimeOffset.UtcNow;
                var emitted = now.ToUnixTimeMilliseconds();
                context.Log.Write(RunLogStreams.Stdout, string.Create(CultureInfo.InvariantCulture, $"{{\"step\": {step}, \"emitted\": {emitted}}}"));
                context.Metrics.Report(step, new Dictionary<string, double> { ["emitted"] = emitted }, now);
                context.Progress.ReportProgress(step, total);
            }
        }
        catch (OperationCanceledException)
        {
            return RunOutcome.Cancelled();
        }
        return RunOutcome.Succeeded();
    }
}
