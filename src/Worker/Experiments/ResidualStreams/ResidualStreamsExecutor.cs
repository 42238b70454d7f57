using System.Diagnostics;
using Dashboard.Domain.Families;
using Dashboard.Domain.Metrics;
using Dashboard.Torch;
using Dashboard.Torch.Optim;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Experiments.Training;

namespace Dashboard.Worker.Experiments.ResidualStreams;

/// <summary>
/// Trains a residual-streams run in-process: AdamW on the incrementing-token task, one metric record per step
/// (loss, grad_norm, gain_proxy, nan_inf_events, steps_per_sec), checkpoints every N steps and resumes from
/// the latest one. A NaN or infinite loss is reported at its step (nan_inf_events = 1); with on_nan: stop it ends the run
/// as diverged, with on_nan: continue the run trains on through the non-finite steps, as the seed's loop did, and ends as
/// diverged if its last loss is not finite.
/// </summary>
public sealed class ResidualStreamsExecutor : IRunExecutor
{
    public const string GainProxy = "gain_proxy";

    public bool CanExecute(string family) => family == ResidualStreamsFamily.FamilyName;

    public Task<RunOutcome> ExecuteAsync(RunContext context, CancellationToken cancellationToken) =>
        // Training is synchronous native work; keep it off the caller's thread.
        Task.Factory.StartNew(() => Train(context, cancellationToken), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static RunOutcome Train(RunContext context, CancellationToken ct)
    {
        var config = ResidualStreamsConfig.From(context.Config);
        var target = TrainingDevice.For(context.Device, config.Precision);
        using var precision = target.Enter(context.Log);
        Dashboard.Torch.Torch.ManualSeed(unchecked((ulong)config.Seed));

        using var trainer = new StreamsTrainer(config, target, config.CudaGraph ? StepGraphs.Cuda : StepGraphs.Off,
            line => context.Log.Write(RunLogStreams.Worker, line));
        var model = trainer.Model;
        var optimizer = trainer.Optimizer;
        var checkpoint = new TrainingCheckpoint(context.RunFolder);
        var start = 0L;
        if (checkpoint.TryResume(model, optimizer) is { } saved)
        {
            start = saved + 1;
            context.Log.Write(RunLogStreams.Worker, $"resumed from the checkpoint taken after step {saved}");
        }
        context.Summary["parameters"] = model.ParameterCount();
        context.Summary["device"] = target.Device.ToString();

        var data = new IncrementingTokens(config.Vocab, config.SeqLen, config.Batch, config.Seed);
        var clock = Stopwatch.StartNew();
        long? firstNonFinite = null;
        var nanInfEvents = 0L;
        var lastLoss = 0.0;
        for (var step = start; step < config.Steps; step++)
        {
            if (ct.IsCancellationRequested) return RunOutcome.Cancelled();
            using var scope = Dashboard.Torch.Torch.NewDisposeScope();
            var (inputs, targets) = data.Batch(step, target.Device);
            var (lossValue, gradNorm) = trainer.Step(inputs, targets);
            if (!double.IsFinite(lossValue)) firstNonFinite ??= step;
            if (!double.IsFinite(lossValue) && !config.ContinueOnNan)
            {
                context.Metrics.Report(step, new Dictionary<string, double>
                {
                    [MetricKey.Loss] = lossValue, [MetricKey.NanInfEvents] = 1, [GainProxy] = trainer.GainProxyBeforeLastStep(),
                }, DateTimeOffset.UtcNow);
                context.Progress.ReportProgress(step + 1, config.Steps);
                return RunOutcome.Diverged($"the loss became {lossValue} at step {step}");
            }

            var values = new Dictionary<string, double>
            {
                [MetricKey.Loss] = lossValue,
                [MetricKey.GradNorm] = gradNorm,
                [GainProxy] = trainer.GainProxyAfterLastStep(),
                [MetricKey.NanInfEvents] = double.IsFinite(lossValue) && double.IsFinite(gradNorm) ? 0 : 1,
                [MetricKey.StepsPerSecond] = (step - start + 1) / clock.Elapsed.TotalSeconds,
            };
            if (target.PeakMemoryMb() is { } peak) values[MetricKey.GpuMemoryPeakMb] = peak;
            nanInfEvents += (long)values[MetricKey.NanInfEvents];
            context.Metrics.Report(step, values, DateTimeOffset.UtcNow);
            context.Progress.ReportProgress(step + 1, config.Steps);
            lastLoss = lossValue;

            if (config.CheckpointEvery > 0 && (step + 1) % config.CheckpointEvery == 0 && step + 1 < config.Steps)
            {
                context.Metrics.Flush();   // the checkpoint must not get ahead of the stored curve
                checkpoint.Save(model, optimizer, step);
            }
        }
        if (target.PeakMemoryMb() is { } finalPeak) context.Summary["peak_gpu_memory_mb"] = Math.Round(finalPeak, 1);
        context.Summary["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
        context.Summary["nan_inf_events"] = nanInfEvents;   // steps of this attempt with a non-finite loss or gradient
        context.Summary["cuda_graph"] = trainer.UsesCudaGraph;
        if (!double.IsFinite(lastLoss))
            return RunOutcome.Diverged($"the loss became non-finite at step {firstNonFinite?.ToString() ?? "before a restart"} and was {lastLoss} " +
                $"at the last step (on_nan: continue trained on to step {config.Steps - 1})");
        return RunOutcome.Succeeded();
    }
}
