using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Domain.Families;
using Dashboard.Torch;
using Dashboard.Torch.Checkpoints;
using Dashboard.Worker.Experiments.Hhml;

namespace Dashboard.Families.Benchmarks;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// Seed 000 (hhml), selected with <c>--family hhml</c>: geometry and neighbour-graph build time against the seed's 0.17 s;
/// seconds per cycle (median of the timed cycles, after warm-up) and peak GPU memory of the baseline (10.3M) and
/// h200-scaled (1.2B) configs in both modes, against the seed's ~5 s and ~10.5 s per cycle and 19.4 GB; the time of
/// one vortex-quality pass (the seed's Python loop over vortices); and the checkpoint write and read time of the
/// 1.2B model, model only (the seed's 4.9 GB file) and with Adam's state (what a resume needs). --quick: a small
/// shape, few cycles (CPU, to prove it runs).
/// </summary>
internal static class HhmlBenchmark
{
    private sealed record Scale(string Name, int Strips, int Nodes, int Hidden, double SeedSecondsPerCycle, string SeedMemory);

    private static readonly Scale[] Full =
    [
        new("baseline", 2, 2000, 512, 5.0, "~5 GB (stated)"),
        new("h200-scaled", 10, 2000, 6144, 10.5, "19.4 GB (a formula: params × 16 B)"),
    ];

    private static readonly Scale[] Quick =
    [
        new("baseline (quick: 2 × 200, H 64)", 2, 200, 64, 5.0, "–"),
        new("h200-scaled (quick: 4 × 200, H 128)", 4, 200, 128, 10.5, "–"),
    ];

    public static void Run(Device device, bool quick, int? cycles)
    {
        var scales = quick ? Quick : Full;
        var warmup = quick ? 1 : 2;
        var timed = cycles ?? (quick ? 2 : 5);
        var deviceName = device.IsCuda ? GpuName() : FamilyBenchmarks.CpuName();
        Console.Error.WriteLine($"libtorch {Torch.Version}, device {device} ({deviceName}); hhml, {warmup} warm-up + {timed} timed cycles per row");

        Console.WriteLine($"Device: {deviceName} ({device}); binding on libtorch {Torch.Version}; {Environment.ProcessorCount} CPU threads for the graph");
        Console.WriteLine();
        Console.WriteLine("HHmL geometry and neighbour graph (CPU, float64; the seed: 0.17 s for geometry at 10 × 2,000)");
        Console.WriteLine();
        Console.WriteLine("| Config | Nodes | Radius / cap | Geometry (s) | Graph (s) | Edges | Nodes capped |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|---:|");
        foreach (var s in Full)   // the full-size geometry on every run: it is CPU work of seconds
        {
            var config = Config(s, HhmlFamily.AsRun, 1);
            var clock = Stopwatch.StartNew();
            var geometry = TokamakStrips.Build(s.Strips, s.Nodes, config.Kappa, config.Delta, config.MinorRadius);
            var geometrySeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var graph = NeighbourGraph.Build(geometry.Positions, config.NeighbourRadius, config.MaxNeighbours);
            var graphSeconds = clock.Elapsed.TotalSeconds;
            var capped = graph.CandidateCounts.Count(c => c > config.MaxNeighbours);
            Console.WriteLine($"| {s.Name} | {geometry.Nodes:N0} | {config.NeighbourRadius} / {config.MaxNeighbours} | {geometrySeconds:F3} | " +
                $"{graphSeconds:F3} | {graph.Edges:N0} | {capped:N0} |");
        }

        Console.WriteLine();
        Console.WriteLine($"HHmL training cycle (fp32, Adam, clip 1.0): median seconds per cycle over {timed} cycles after {warmup} warm-up; " +
            "peak = the caching allocator's peak since the trainer was built");
        Console.WriteLine();
        Console.WriteLine("| Config | Mode | Parameters | s / cycle | Seed s / cycle | Quality pass (s) | Peak MiB | Estimate MiB | Seed memory | Reward (last) | Density (last) |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|");
        foreach (var s in scales)
        foreach (var mode in HhmlFamily.Modes)
        {
            try
            {
                Cycles(device, s, mode, warmup, timed, checkpoint: s == scales[^1] && mode == HhmlFamily.AsRun);
            }
            catch (TorchException e)
            {
                Console.WriteLine($"| {s.Name} | {mode} | – | failed: {e.Message.Split('\n')[0]} | | | | | | | |");
            }
            finally
            {
                if (device.IsCuda) Cuda.EmptyCache();
            }
        }
        if (s_checkpointRows.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"HHmL checkpoint of the {scales[^1].Name} model: safetensors streamed tensor by tensor (at most " +
                $"{SafeTensors.ChunkBytes >> 20} MiB in managed memory), write = save + rename, read = into the live model and Adam");
            Console.WriteLine();
            Console.WriteLine("| Contents | Size (GB) | Write (s) | Write GB/s | Read (s) | Read GB/s | Managed bytes allocated (write / read) |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---|");
            foreach (var row in s_checkpointRows) Console.WriteLine(row);
        }
    }

    private static readonly List<string> s_checkpointRows = [];

    private static HhmlConfig Config(Scale s, string mode, long cycles) => HhmlConfig.From(new JsonObject
    {
        ["mode"] = mode, ["strips"] = s.Strips, ["nodes_per_strip"] = s.Nodes, ["hidden"] = s.Hidden, ["cycles"] = cycles,
    });

    private static void Cycles(Device device, Scale s, string mode, int warmup, int timed, bool checkpoint)
    {
        Torch.ManualSeed(0);
        var config = Config(s, mode, warmup + timed);
        if (device.IsCuda) Cuda.ResetPeakMemoryStats(device.Index);
        var build = Stopwatch.StartNew();
        using var trainer = new HhmlTrainer(config, device);
        Console.Error.WriteLine($"  {s.Name} {mode}: built in {build.Elapsed.TotalSeconds:F1} s ({trainer.Agent.ParameterCount():N0} parameters)");
        HhmlCycle? last = null;
        for (var n = 1; n <= warmup; n++) last = trainer.Step(n);
        Sync(device);
        var seconds = new List<double>();
        for (var n = warmup + 1; n <= warmup + timed; n++)
        {
            var clock = Stopwatch.StartNew();
            last = trainer.Step(n);
            Sync(device);
            seconds.Add(clock.Elapsed.TotalSeconds);
        }
        var quality = Stopwatch.StartNew();
        VortexQuality.Measure(trainer.Strips, config.VortexThreshold, config.QualityRadius);
        Sync(device);
        var qualitySeconds = quality.Elapsed.TotalSeconds;
        double? peak = device.IsCuda ? Cuda.MemoryStats(device.Index).PeakAllocatedBytes / (1024.0 * 1024.0) : null;
        var median = seconds.Order().ElementAt(seconds.Count / 2);
        Console.WriteLine($"| {s.Name} | {mode} | {trainer.Agent.ParameterCount():N0} | {median:F4} | {s.SeedSecondsPerCycle:F1} | {qualitySeconds:F4} | " +
            $"{(peak is { } p ? p.ToString("N0", CultureInfo.InvariantCulture) : "– (CPU)")} | {config.Scale.Memory().Total / (1 << 20):N0} | {s.SeedMemory} | " +
            $"{last!.Reward.Total:F1} | {last.Metrics.Density:F3} |");
        Console.Error.WriteLine($"  {s.Name} {mode}: cycles {string.Join(", ", seconds.Select(x => x.ToString("F3", CultureInfo.InvariantCulture)))} s");
        if (checkpoint) Checkpoints(trainer);
    }

    /// <summary>Writes and reads the checkpoint of a trained model: model only, then model and Adam state.</summary>
    private static void Checkpoints(HhmlTrainer trainer)
    {
        var folder = Directory.CreateTempSubdirectory("hhml-checkpoint-");
        try
        {
            foreach (var withOptimizer in new[] { false, true })
            {
                var path = Path.Combine(folder.FullName, withOptimizer ? "full.safetensors" : "model.safetensors");
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var write = Stopwatch.StartNew();
                Checkpoint.Save(path, trainer.Run, withOptimizer ? trainer.Optimizer : null);
                var writeSeconds = write.Elapsed.TotalSeconds;
                var writeManaged = GC.GetAllocatedBytesForCurrentThread() - allocated;
                var bytes = new FileInfo(path).Length;
                allocated = GC.GetAllocatedBytesForCurrentThread();
                var read = Stopwatch.StartNew();
                Checkpoint.Load(path, trainer.Run, withOptimizer ? trainer.Optimizer : null);
                Sync(trainer.Device);
                var readSeconds = read.Elapsed.TotalSeconds;
                var readManaged = GC.GetAllocatedBytesForCurrentThread() - allocated;
                var gb = bytes / 1e9;
                s_checkpointRows.Add($"| {(withOptimizer ? "model + Adam state + strips" : "model + strips (the seed's file held the model)")} | {gb:F2} | " +
                    $"{writeSeconds:F2} | {gb / writeSeconds:F2} | {readSeconds:F2} | {gb / readSeconds:F2} | {writeManaged / 1e6:F0} MB / {readManaged / 1e6:F0} MB |");
                File.Delete(path);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static void Sync(Device device)
    {
        if (device.IsCuda) Cuda.Synchronize(device.Index);
    }

    private static string GpuName()
    {
        try
        {
            var start = new ProcessStartInfo("nvidia-smi", ["--query-gpu=name,memory.total", "--format=csv,noheader"]) { RedirectStandardOutput = true };
            using var process = Process.Start(start)!;
            var name = process.StandardOutput.ReadLine();
            process.WaitForExit(10_000);
            return name ?? "cuda";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "cuda";
        }
    }
}
