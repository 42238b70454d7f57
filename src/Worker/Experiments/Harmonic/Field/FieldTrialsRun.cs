using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dashboard.Domain.Metrics;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Experiments.Training;

namespace Dashboard.Worker.Experiments.Harmonic.Field;

/// <summary>
/// A field-trials run: trials in batches on the device, the summary metrics after each batch (step = trials done),
/// every trial's row in the artifact <c>trials.csv</c> (trial, family, rotation, has_wave, speed).
/// </summary>
public static class FieldTrialsRun
{
    public const string TrialsFile = "trials.csv";

    public static RunOutcome Execute(RunContext context, HarmonicConfig config, CancellationToken ct)
    {
        var target = TrainingDevice.For(context.Device, "float32");
        Dashboard.Torch.Torch.ManualSeed(unchecked((ulong)config.Seed));
        var clock = Stopwatch.StartNew();
        using var trials = new FieldTrials(config, target.Device);
        var lattice = trials.Lattice;
        context.Log.Write(RunLogStreams.Worker,
            $"{lattice.Side}×{lattice.Side} lattice ({lattice.Nodes} nodes), {config.Modes} modes by dense eigh in {trials.EigenSeconds:F2} s; " +
            $"mean grid distance {trials.MeanDistance:F4}; detector {config.Detector}");
        context.Summary["nodes"] = lattice.Nodes;
        context.Summary["lattice"] = $"{lattice.Side}×{lattice.Side}";
        context.Summary["mean_pair_distance"] = Math.Round(trials.MeanDistance, 4);
        context.Summary["eigh_seconds"] = Math.Round(trials.EigenSeconds, 3);
        context.Summary["device"] = target.Device.ToString();

        var batch = TrialBatch.For(config);
        var rows = new List<TrialResult>(config.Trials);
        for (long first = 0; first < config.Trials; first += batch)
        {
            if (ct.IsCancellationRequested) return RunOutcome.Cancelled();
            var count = (int)Math.Min(batch, config.Trials - first);
            rows.AddRange(trials.Run(first, count));
            var summary = FieldSummary.Of(rows);
            var values = summary.Metrics();
            values["trials_per_sec"] = rows.Count / clock.Elapsed.TotalSeconds;
            values["lattice/nodes"] = lattice.Nodes;
            if (target.PeakMemoryMb() is { } peak) values[MetricKey.GpuMemoryPeakMb] = peak;
            context.Metrics.Report(rows.Count, values, DateTimeOffset.UtcNow);
            context.Progress.ReportProgress(rows.Count, config.Trials);
        }

        File.WriteAllText(Path.Combine(context.RunFolder.FullName, TrialsFile), Csv(rows));
        var final = FieldSummary.Of(rows);
        context.Summary["trials_per_sec"] = Math.Round(rows.Count / clock.Elapsed.TotalSeconds, 3);
        context.Summary["detected"] = rows.Count(r => r.HasWave);
        context.Summary["rotation_nan"] = final.RotationNaN;
        if (target.PeakMemoryMb() is { } finalPeak) context.Summary["peak_gpu_memory_mb"] = Math.Round(finalPeak, 1);
        context.Summary["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
        return RunOutcome.Succeeded();
    }

    public static string Csv(IEnumerable<TrialResult> rows)
    {
        var text = new StringBuilder("trial,family,rotation,has_wave,speed\n");
        foreach (var r in rows)
            text.Append(CultureInfo.InvariantCulture,
                $"{r.Trial},{r.Family.Key()},{r.Rotation.ToString("R", CultureInfo.InvariantCulture)},{(r.HasWave ? 1 : 0)},{r.Speed?.ToString("R", CultureInfo.InvariantCulture)}\n");
        return text.ToString();
    }
}
