using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Domain.Families;
using Dashboard.Domain.Metrics;
using Dashboard.Domain.Scheduling;
using Dashboard.Torch;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Experiments.Training;

namespace Dashboard.Worker.Experiments.Hhml;

/// <summary>
/// Runs an hhml run in-process. Before allocating anything it estimates the run's memory (<see cref="HhmlScale.Memory"/>)
/// and fails a run that cannot fit the worker's device, saying why. Then one metric record per cycle (step = cycle,
/// from 1): the reward and each term, density, quality and its components, removals, cycles at target, seconds per
/// cycle, peak GPU memory, loss, value and gradient norm. Checkpoints every checkpoint_every cycles (model, Adam,
/// strips, c) and resumes from the latest. The run's time limit (the queue's, 30 minutes in the presets, the seed's
/// --max-time) is checked before each cycle; a run that reaches it stops there as the seed's did, saves a checkpoint and
/// succeeds, its summary naming the cycle it reached. Running out of memory ends the run as failed with the reason;
/// the worker goes on.
/// </summary>
public sealed class HhmlExecutor : IRunExecutor
{
    public const string CyclesAtTargetKey = "cycles_at_target";

    public bool CanExecute(string family) => family == HhmlFamily.FamilyName;

    public Task<RunOutcome> ExecuteAsync(RunContext context, CancellationToken cancellationToken) =>
        // Training is synchronous native work; keep it off the caller's thread.
        Task.Factory.StartNew(() => Train(context, cancellationToken), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Why a run of this config cannot fit <paramref name="device"/>; null when it fits.</summary>
    public static string? DoesNotFit(HhmlConfig config, WorkerDevice device)
    {
        var estimate = config.Scale.Memory();
        long capacity;
        string where;
        if (device.Kind == DeviceKind.Cuda && device.GpuMemoryMb <= 0) return null;   // memory unknown (not probed): nothing to check against
        if (device.Kind == DeviceKind.Cuda)
        {
            // The CUDA context and the allocator's fragmentation take some of the card; leave them 1.5 GiB.
            capacity = device.GpuMemoryMb * (1L << 20) - (3L << 29);
            where = $"{device.Name} ({device.GpuName ?? "GPU"}, {device.GpuMemoryMb} MiB)";
        }
        else
        {
            capacity = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            where = $"this CPU worker ({capacity / (1L << 20)} MiB of memory)";
        }
        return estimate.Total <= capacity ? null :
            $"a run of this config needs about {estimate}, more than {where} can hold; " +
            "use a smaller hidden size, fewer strips or nodes, or a device with more memory";
    }

    private static RunOutcome Train(RunContext context, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var config = HhmlConfig.From(context.Config);
        if (DoesNotFit(config, context.Device) is { } reason) return RunOutcome.Failed(reason);
        var device = context.Device.Kind == DeviceKind.Cuda ? Device.Cuda(context.Device.Ordinal) : Device.Cpu;
        if (device.IsCuda) Cuda.ResetPeakMemoryStats(device.Index);
        var cycle = 0L;
        try
        {
            return Train(context, config, device, clock, ref cycle, ct);
        }
        catch (TorchException e) when (IsOutOfMemory(e))
        {
            return RunOutcome.Failed($"out of memory on {device} at cycle {cycle + 1} (estimated {config.Scale.Memory()}): {FirstLine(e.Message)}");
        }
        finally
        {
            if (device.IsCuda) Cuda.EmptyCache();   // give the card back to the next run
        }
    }

    private static RunOutcome Train(RunContext context, HhmlConfig config, Device device, Stopwatch clock, ref long cycle, CancellationToken ct)
    {
        Dashboard.Torch.Torch.ManualSeed(unchecked((ulong)config.Seed));
        using var trainer = new HhmlTrainer(config, device);
        var summary = context.Summary;
        summary["mode"] = config.Mode;
        summary["parameters"] = trainer.Agent.ParameterCount();
        summary["trained_parameters"] = config.Scale.TrainedParameters;
        summary["device"] = device.ToString();
        summary["nodes"] = config.Nodes;
        summary["edges"] = trainer.Strips.Graph.Edges;
        summary["neighbour_radius"] = config.NeighbourRadius;
        summary["max_neighbours"] = config.MaxNeighbours;
        summary["geometry_seconds"] = Math.Round(trainer.Strips.GeometrySeconds, 4);
        summary["graph_seconds"] = Math.Round(trainer.Strips.GraphSeconds, 4);
        summary["memory_estimate_mb"] = Math.Round(config.Scale.Memory().Total / (double)(1 << 20));
        context.Log.Write(RunLogStreams.Worker,
            $"{config.Mode}: {config.Strips} strips × {config.NodesPerStrip} nodes, {trainer.Strips.Graph.Edges} edges " +
            $"(geometry {trainer.Strips.GeometrySeconds:0.000} s, graph {trainer.Strips.GraphSeconds:0.000} s), " +
            $"H = {config.Hidden}, {trainer.Agent.ParameterCount():N0} parameters; estimated memory {config.Scale.Memory()}");

        var checkpoint = new TrainingCheckpoint(context.RunFolder);
        var read = Stopwatch.StartNew();
        if (checkpoint.TryResume(trainer.Run, trainer.Optimizer, out var saved) is { } after)
        {
            cycle = after;
            trainer.CyclesAtTarget = long.Parse(saved[CyclesAtTargetKey], CultureInfo.InvariantCulture);
            summary["checkpoint_read_seconds"] = Math.Round(read.Elapsed.TotalSeconds, 3);
            context.Log.Write(RunLogStreams.Worker, $"resumed from the checkpoint taken after cycle {after} (read in {read.Elapsed.TotalSeconds:0.00} s)");
        }

        var cycleSeconds = new List<double>();
        var limitReached = false;
        while (cycle < config.Cycles)
        {
            if (ct.IsCancellationRequested) return RunOutcome.Cancelled();
            if (context.TimeLimit is { } limit && clock.Elapsed >= limit)
            {
                limitReached = true;
                context.Log.Write(RunLogStreams.Worker,
                    $"time limit of {limit.TotalSeconds:0} s reached after cycle {cycle} of {config.Cycles}; stopping as the seed's --max-time did");
                break;
            }
            var started = Stopwatch.StartNew();
            var result = trainer.Step(cycle + 1);
            if (device.IsCuda) Cuda.Synchronize(device.Index);
            var seconds = started.Elapsed.TotalSeconds;
            cycle++;
            cycleSeconds.Add(seconds);

            var values = new Dictionary<string, double>(result.Reward.Terms())
            {
                ["reward"] = result.Reward.Total,
                ["density"] = result.Metrics.Density,
                ["quality"] = result.Metrics.Quality,
                ["neighbourhood"] = result.Metrics.Neighbourhood,
                ["core"] = result.Metrics.Core,
                ["stability"] = result.Metrics.Stability,
                ["vortices"] = result.Metrics.Vortices,
                ["removed"] = result.Removed,
                [CyclesAtTargetKey] = result.CyclesAtTarget,
                ["cycle_seconds"] = seconds,
                [MetricKey.Loss] = result.Loss,
                ["value"] = result.Value,
                [MetricKey.GradNorm] = result.GradNorm,
            };
            if (device.IsCuda) values[MetricKey.GpuMemoryPeakMb] = Cuda.MemoryStats(device.Index).PeakAllocatedBytes / (1024.0 * 1024.0);
            context.Metrics.Report(cycle, values, DateTimeOffset.UtcNow);
            context.Progress.ReportProgress(cycle, config.Cycles);
            // After the cycle's record (Save flushes it first): a checkpoint must never get ahead of the stored curve.
            if (config.CheckpointEvery > 0 && cycle % config.CheckpointEvery == 0 && cycle < config.Cycles)
                context.Metrics.Report(cycle, new Dictionary<string, double> { ["checkpoint_seconds"] = Save(context, checkpoint, trainer, cycle) },
                    DateTimeOffset.UtcNow);
            if (!double.IsFinite(result.Loss))
            {
                Finish(summary, device, clock, cycleSeconds, cycle, limitReached);
                return RunOutcome.Diverged($"the loss became {result.Loss} at cycle {cycle}");
            }
        }
        if (limitReached) Save(context, checkpoint, trainer, cycle);
        Finish(summary, device, clock, cycleSeconds, cycle, limitReached);
        return RunOutcome.Succeeded();
    }

    /// <summary>Writes the checkpoint after <paramref name="cycle"/>; returns the seconds it took.</summary>
    private static double Save(RunContext context, TrainingCheckpoint checkpoint, HhmlTrainer trainer, long cycle)
    {
        context.Metrics.Flush();   // the checkpoint must not get ahead of the stored curve
        var write = Stopwatch.StartNew();
        checkpoint.Save(trainer.Run, trainer.Optimizer, cycle,
            new Dictionary<string, string> { [CyclesAtTargetKey] = trainer.CyclesAtTarget.ToString(CultureInfo.InvariantCulture) });
        var seconds = write.Elapsed.TotalSeconds;
        context.Summary["checkpoint_write_seconds"] = Math.Round(seconds, 3);
        context.Summary["checkpoint_bytes"] = new FileInfo(checkpoint.Path).Length;
        context.Log.Write(RunLogStreams.Worker, $"checkpoint after cycle {cycle}: {new FileInfo(checkpoint.Path).Length / 1e9:0.00} GB in {seconds:0.00} s");
        return seconds;
    }

    private static void Finish(JsonObject summary, Device device, Stopwatch clock, List<double> cycleSeconds, long cycle, bool limitReached)
    {
        summary["cycles_completed"] = cycle;
        summary["time_limit_reached"] = limitReached;
        summary["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
        if (cycleSeconds.Count > 0)
        {
            summary["seconds_per_cycle"] = Math.Round(cycleSeconds.Average(), 4);
            // The first cycle carries one-time costs (kernel selection, allocator growth); the median shows the steady state.
            summary["median_cycle_seconds"] = Math.Round(cycleSeconds.Order().ElementAt(cycleSeconds.Count / 2), 4);
        }
        if (device.IsCuda) summary["peak_gpu_memory_mb"] = Math.Round(Cuda.MemoryStats(device.Index).PeakAllocatedBytes / (1024.0 * 1024.0), 1);
    }

    private static bool IsOutOfMemory(TorchException e) =>
        e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("can't allocate memory", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("OutOfMemory", StringComparison.OrdinalIgnoreCase);

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
