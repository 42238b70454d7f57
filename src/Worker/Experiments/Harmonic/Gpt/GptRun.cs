using System.Diagnostics;
using Dashboard.Domain.Metrics;
using Dashboard.Torch;
using Dashboard.Torch.Optim;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Experiments.NGpt;
using Dashboard.Worker.Experiments.Training;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Experiments.Harmonic.Gpt;

/// <summary>
/// A language-model run of the harmonic family, nanoGPT's recipe (spec §5.7): AdamW (β₂ from the config, weight decay
/// on matrices only), linear warm-up and cosine decay to min_lr, global-norm clipping, dropout; Brown corpus bytes with
/// the ngpt family's batches (fixed by seed and step, so the three models of one seed see the same data in the same
/// order). Per step: loss, lr, grad_norm, tokens_per_sec, and for Harmonic GPT wave_ratio, wave_score and
/// moe/load/&lt;e&gt;; val/loss every val_every steps and after the last. After training, the seed's inference
/// benchmark (<see cref="InferenceBenchmark"/>).
/// </summary>
public static class GptRun
{
    public static RunOutcome Execute(RunContext context, HarmonicConfig config, string? corpusDirectory, CancellationToken ct)
    {
        BrownCorpus corpus;
        TokenBatches data;
        try
        {
            corpus = BrownCorpus.Load(BrownCorpus.Locate(corpusDirectory));
            data = TokenBatches.Bytes(corpus.Train, corpus.Validation, config.Context, config.Batch, config.Seed);
        }
        catch (Exception e) when (e is FileNotFoundException or ArgumentException)
        {
            return RunOutcome.Failed(e.Message);
        }

        var target = TrainingDevice.For(context.Device, config.Precision);
        using var precision = target.Enter(context.Log);
        Dashboard.Torch.Torch.ManualSeed(unchecked((ulong)config.Seed));
        using var trainer = new GptTrainer(config, target, config.CudaGraph ? StepGraphs.Cuda : StepGraphs.Off,
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
        context.Summary["parameters"] = model.NonEmbeddingCount;
        context.Summary["parameters_with_positions"] = model.ParameterCount();
        context.Summary["model"] = config.Model;
        context.Summary["device"] = target.Device.ToString();

        var validation = data.Validation(config.ValBatches);
        var tokensPerStep = (double)config.Batch * config.Context;
        var training = new Stopwatch();
        var clock = Stopwatch.StartNew();
        try
        {
            for (var step = start; step < config.Steps; step++)
            {
                if (ct.IsCancellationRequested) return RunOutcome.Cancelled();
                training.Start();
                var values = Step(trainer, data, step, target);
                training.Stop();
                values[MetricKey.TokensPerSecond] = (step - start + 1) * tokensPerStep / training.Elapsed.TotalSeconds;
                var loss = values[MetricKey.Loss];
                if (!double.IsFinite(loss))
                {
                    values[MetricKey.NanInfEvents] = 1;
                    context.Metrics.Report(step, values, DateTimeOffset.UtcNow);
                    context.Progress.ReportProgress(step + 1, config.Steps);
                    return RunOutcome.Diverged($"the loss became {loss} at step {step}");
                }
                if ((step + 1) % config.ValEvery == 0 || step + 1 == config.Steps)
                    values[MetricKey.ValLoss] = ValidationLoss(model, validation, config, target);
                if (target.PeakMemoryMb() is { } peak) values[MetricKey.GpuMemoryPeakMb] = peak;
                context.Metrics.Report(step, values, DateTimeOffset.UtcNow);
                context.Progress.ReportProgress(step + 1, config.Steps);

                if (config.CheckpointEvery > 0 && (step + 1) % config.CheckpointEvery == 0 && step + 1 < config.Steps)
                {
                    context.Metrics.Flush();   // the checkpoint must not get ahead of the stored curve
                    checkpoint.Save(model, optimizer, step);
                }
            }
        }
        finally
        {
            foreach (var (inputs, targets) in validation)
            {
                inputs.Dispose();
                targets.Dispose();
            }
        }

        if (config.BenchmarkIterations > 0)
        {
            var (mean, sd, tokens, path, note) = InferenceBenchmark.Run(model, config, target);
            context.Summary["inference_tokens_per_sec"] = Math.Round(tokens);
            context.Summary["inference_path"] = path;
            // Also a metric at the last step, so that sweeps rank and aggregate it like any final value.
            context.Metrics.Report(config.Steps - 1, new Dictionary<string, double> { ["inference_tokens_per_sec"] = tokens }, DateTimeOffset.UtcNow);
            context.Summary["inference_ms_mean"] = Math.Round(mean, 3);
            context.Summary["inference_ms_sd"] = Math.Round(sd, 3);
            context.Log.Write(RunLogStreams.Worker,
                $"inference benchmark ({InferenceBenchmark.Batch} × {Math.Min(InferenceBenchmark.Tokens, config.Context)} tokens, " +
                $"{config.BenchmarkIterations} passes, {path}): {mean:F2} ± {sd:F2} ms, {tokens:F0} tokens/s" + (note is null ? "" : $" ({note})"));
        }
        if (target.PeakMemoryMb() is { } finalPeak) context.Summary["peak_gpu_memory_mb"] = Math.Round(finalPeak, 1);
        context.Summary["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
        context.Summary["cuda_graph"] = trainer.UsesCudaGraph;
        if (config.Steps > start)
            context.Summary["tokens_per_sec"] = Math.Round((config.Steps - start) * tokensPerStep / training.Elapsed.TotalSeconds);
        return RunOutcome.Succeeded();
    }

    private static Dictionary<string, double> Step(GptTrainer trainer, TokenBatches data, long step, TrainingDevice target)
    {
        var (inputs, targets) = data.Train(step);
        using (inputs)
        using (targets)
        {
            var (loss, lr, gradNorm, wave) = trainer.Step(step, inputs, targets);
            var values = new Dictionary<string, double>
            {
                [MetricKey.Loss] = loss,
                [MetricKey.LearningRate] = lr,
                [MetricKey.GradNorm] = gradNorm,
            };
            if (wave is { } w)
            {
                values["wave_ratio"] = w.Ratio;
                values["wave_score"] = w.Score;
            }
            var load = trainer.Model.ExpertLoad();
            for (var e = 0; e < load.Length; e++) values[$"moe/load/{e}"] = load[e];
            return values;
        }
    }

    private static double ValidationLoss(HarmonicGpt model, IReadOnlyList<(Tensor Inputs, Tensor Targets)> batches,
        HarmonicConfig config, TrainingDevice target)
    {
        model.Eval();
        try
        {
            using var noGrad = Dashboard.Torch.Torch.NoGrad();
            double total = 0;
            foreach (var (inputs, targets) in batches)
            {
                using var scope = Dashboard.Torch.Torch.NewDisposeScope();
                using (target.Autocast())
                {
                    var logits = model.Forward(inputs.To(target.Device));
                    total += F.CrossEntropy(logits.Reshape(-1, config.Vocab).To(ScalarType.Float32), targets.To(target.Device).Reshape(-1)).ToDouble();
                }
            }
            return total / batches.Count;
        }
        finally
        {
            model.Train();
        }
    }
}
