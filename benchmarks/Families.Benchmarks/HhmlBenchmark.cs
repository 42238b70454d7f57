using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Domain.Families;
using Dashboard.Torch;
using Dashboard.Torch.Checkpoints;
using Dashboard.Torch.NN;
using Dashboard.Worker.Experiments.Hhml;

namespace Dashboard.Families.Benchmarks;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// Seed 000 (hhml), selected with <c>--family hhml</c>: geometry and neighbour-graph build time against the seed's 0.17 s;
/// seconds per cycle (median of the timed cycles, after warm-up) and peak GPU memory of the baseline (10.3M) and
/// h200-scaled (1.2B) configs in both modes, against the seed's ~5 s and ~10.5 s per cycle and 19.4 GB; the time of
/// one vortex-quality pass (the seed's Python loop over vortices); and the checkpoint write and read time of the
/// 1.2B model, model only (the seed's 4.9 GB file) and with Adam's state (what a resume needs). With --python, the same
/// cycle in PyTorch (hhml_reference.py, beside reference.py), eager and torch.compile, after the binding's rows (its
/// model freed first: the 1.2B model fits an 80 GB card once), timed the same way; the ratios are PyTorch's seconds
/// per cycle over the binding's. --quick: a small shape, few cycles (CPU, to prove it runs).
/// </summary>
internal static class HhmlBenchmark
{
    /// <param name="Key">The config's name in hhml_reference.py's JSON (its --quick shapes are these quick shapes).</param>
    private sealed record Scale(string Key, string Name, int Strips, int Nodes, int Hidden, double SeedSecondsPerCycle, string SeedMemory);

    private static readonly Scale[] Full =
    [
        new("baseline", "baseline", 2, 2000, 512, 5.0, "~5 GB (stated)"),
        new("h200-scaled", "h200-scaled", 10, 2000, 6144, 10.5, "19.4 GB (a formula: params × 16 B)"),
    ];

    private static readonly Scale[] Quick =
    [
        new("baseline", "baseline (quick: 2 × 200, H 64)", 2, 200, 64, 5.0, "–"),
        new("h200-scaled", "h200-scaled (quick: 4 × 200, H 128)", 4, 200, 128, 10.5, "–"),
    ];

    /// <summary>
    /// The most the PyTorch reference may take (its compile rows compile several pieces per config and mode); past it,
    /// it is stopped and the table keeps the binding's figures, so one slow part cannot cost the rest.
    /// </summary>
    private const int ReferenceSeconds = 240;

    /// <summary>One config and mode through the binding: its figures, or why it failed.</summary>
    private sealed record CycleRow(
        Scale Scale, string Mode, long Parameters, long Edges, double SecondsPerCycle, double QualitySeconds, double? PeakMiB,
        long EstimateMiB, double Reward, double Density, string? Failure = null, bool FlatLstm = false);

    public static void Run(BenchmarkOptions options, Device device)
    {
        var quick = options.Quick;
        var scales = quick ? Quick : Full;
        var warmup = quick ? 1 : 2;
        var timed = options.Steps ?? (quick ? 2 : 5);
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

        if (device.IsCuda)
        {
            // The agent's LSTM keeps its weights in cuDNN's flat buffer (Module.To): checked before it is timed.
            Console.WriteLine();
            var lstmChecks = LstmChecks.Run(device);
            // The radius queries and the propagation's edge sums: kernels checked against their references (a failed one is refused).
            var checks = lstmChecks.Concat(HhmlKernelChecks.Run(device)).ToList();
            GpuChecks.Print(checks);
            if (lstmChecks.Any(c => !c.Passed))
            {
                LSTM.RefuseFlattening();
                Console.WriteLine("The LSTM's flat weights failed a check: the rows below run with separate weights (cuDNN copies them on every call).");
                Console.WriteLine();
            }
        }

        var rows = new List<CycleRow>();
        foreach (var s in scales)
        foreach (var mode in HhmlFamily.Modes)
        {
            try
            {
                rows.Add(Cycles(device, s, mode, warmup, timed, checkpoint: s == scales[^1] && mode == HhmlFamily.AsRun));
            }
            catch (TorchException e)
            {
                rows.Add(new CycleRow(s, mode, 0, 0, double.NaN, double.NaN, null, 0, double.NaN, double.NaN, e.Message.Split('\n')[0]));
            }
            finally
            {
                if (device.IsCuda) Cuda.EmptyCache();
            }
        }
        // Every trainer is disposed and the cache emptied: the reference has the card to itself.
        string? referenceFailure = null;
        var reference = options.Python is null ? null : RunReference(options, warmup, timed, out referenceFailure);

        Console.WriteLine();
        Console.WriteLine($"HHmL training cycle (fp32, Adam, clip 1.0): median seconds per cycle over {timed} cycles after {warmup} warm-up; " +
            "peak = the caching allocator's peak since the trainer was built" +
            (options.Python is null ? "" : "; PyTorch (hhml_reference.py): the same cycle, timed the same way, in another process after the binding's rows; " +
                "ratio = PyTorch's s / cycle over the binding's (above 1: the binding is faster); compile (s) is apart from s / cycle"));
        if (reference?["device_name"]?.GetValue<string>() is { } referenceDevice)
            Console.WriteLine($"Reference: PyTorch {reference["torch_version"]} on {referenceDevice}");
        Console.WriteLine();
        Console.WriteLine("| Config | Mode | Parameters | s / cycle | PyTorch eager s / cycle | torch.compile s / cycle | Compile (s) | " +
            "torch.compile / binding | Best PyTorch / binding | Seed s / cycle | Quality pass (s) | Peak MiB | Estimate MiB | Seed memory | Reward (last) | Density (last) |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
        var notes = new List<string>();
        foreach (var row in rows) Console.WriteLine(TableRow(row, reference?["results"]?[row.Scale.Key]?[row.Mode] as JsonObject, notes));
        if (device.IsCuda)
        {
            var apart = rows.Where(r => r.Failure is null && !r.FlatLstm).Select(r => $"{r.Scale.Name} {r.Mode}").ToList();
            notes.Add(apart.Count == 0
                ? "LSTM weights: in cuDNN's one flat buffer in every row (LSTM.FlattenParameters)."
                : $"LSTM weights apart (cuDNN copies them on every call) in: {string.Join(", ", apart)}.");
        }
        Console.WriteLine();
        if (referenceFailure is not null) notes.Add($"PyTorch reference: {referenceFailure}");
        if (reference?["compile_skipped"]?.GetValue<string>() is { } skipped) notes.Add($"torch.compile: not timed ({skipped}).");
        if (reference?["compiled_parts"]?.GetValue<string>() is { } parts) notes.Add($"torch.compile compiles: {parts}");
        foreach (var note in notes) Console.WriteLine(note);
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

    private static CycleRow Cycles(Device device, Scale s, string mode, int warmup, int timed, bool checkpoint)
    {
        Torch.ManualSeed(0);
        var config = Config(s, mode, warmup + timed);
        if (device.IsCuda) Cuda.ResetPeakMemoryStats(device.Index);
        var build = Stopwatch.StartNew();
        using var trainer = new HhmlTrainer(config, device);
        Console.Error.WriteLine($"  {s.Name} {mode}: built in {build.Elapsed.TotalSeconds:F1} s ({trainer.Agent.ParameterCount():N0} parameters; " +
            $"LSTM weights {(trainer.Agent.LstmWeightsAreFlat ? "in cuDNN's one flat buffer" : "apart")})");
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
        // On the error stream as soon as measured: the table itself comes after the reference.
        Console.Error.WriteLine($"  {s.Name} {mode}: cycles {string.Join(", ", seconds.Select(x => x.ToString("F4", CultureInfo.InvariantCulture)))} s, " +
            $"median {median.ToString("F4", CultureInfo.InvariantCulture)} s");
        if (checkpoint) Checkpoints(trainer);
        return new CycleRow(s, mode, trainer.Agent.ParameterCount(), trainer.Strips.Graph.Edges, median, qualitySeconds, peak,
            config.Scale.Memory().Total / (1 << 20), last!.Reward.Total, last.Metrics.Density, FlatLstm: trainer.Agent.LstmWeightsAreFlat);
    }

    /// <summary>
    /// One line of the cycle table. The ratios are given only where PyTorch's model and graph are the binding's size
    /// (same parameter and edge counts); otherwise the difference goes into <paramref name="notes"/>.
    /// </summary>
    private static string TableRow(CycleRow row, JsonObject? reference, List<string> notes)
    {
        static string F(double? v, string format) => v is { } x && !double.IsNaN(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "–";
        if (row.Failure is not null)
            return $"| {row.Scale.Name} | {row.Mode} | – | failed: {row.Failure} | | | | | | | | | | | | |";
        double? Theirs(string path) => Number(reference?[path]);
        var eager = Theirs("eager");
        var compiled = Theirs("compile");
        var theirParameters = reference?["parameters"]?.GetValue<long>();
        var theirEdges = reference?["edges"]?.GetValue<long>();
        var same = theirParameters == row.Parameters && theirEdges == row.Edges;
        if (reference is not null && !same)
            notes.Add($"{row.Scale.Name} {row.Mode}: PyTorch's model or graph differs from the binding's (parameters {theirParameters:N0} vs " +
                $"{row.Parameters:N0}, edges {theirEdges:N0} vs {row.Edges:N0}); no ratio given.");
        foreach (var path in new[] { "eager", "compile" })
            if (reference?[path + "_error"]?.GetValue<string>() is { } error) notes.Add($"{row.Scale.Name} {row.Mode}: PyTorch {path} failed: {error}");
        if (reference?["eager_detail"] is JsonObject detail)
            notes.Add($"{row.Scale.Name} {row.Mode}: PyTorch's last cycle: reward {F(Number(detail["reward"]), "F1")}, " +
                $"density {F(Number(detail["density"]), "F3")} (the binding's: {F(row.Reward, "F1")}, {F(row.Density, "F3")}).");
        string Ratio(double? theirs) => same && theirs is > 0 ? F(theirs / row.SecondsPerCycle, "F2") + "×" : "–";
        double?[] paths = [eager, compiled];
        var best = paths.Where(v => v is > 0).Min();
        var bestCell = Ratio(best) is var r && r != "–" ? r + (best == compiled ? " (compile)" : " (eager)") : "–";
        return $"| {row.Scale.Name} | {row.Mode} | {row.Parameters:N0} | {row.SecondsPerCycle:F4} | {F(eager, "F4")} | {F(compiled, "F4")} | " +
            $"{F(Number(reference?["compile_seconds"]), "F1")} | {Ratio(compiled)} | {bestCell} | " +
            $"{row.Scale.SeedSecondsPerCycle:F1} | {row.QualitySeconds:F4} | " +
            $"{(row.PeakMiB is { } p ? p.ToString("N0", CultureInfo.InvariantCulture) : "– (CPU)")} | {row.EstimateMiB:N0} | {row.Scale.SeedMemory} | " +
            $"{row.Reward:F1} | {row.Density:F3} |";
    }

    /// <summary>A number of the reference's JSON; it writes NaN and the infinities as strings (JSON has none).</summary>
    private static double? Number(JsonNode? node) => node is null ? null
        : node.GetValueKind() == System.Text.Json.JsonValueKind.String ? double.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture)
        : node.GetValue<double>();

    /// <summary>
    /// Runs hhml_reference.py (beside the --reference script, or the one named) with the binding's warm-up and timed
    /// cycles; null with the reason when it fails or overruns <see cref="ReferenceSeconds"/>.
    /// </summary>
    private static JsonObject? RunReference(BenchmarkOptions options, int warmup, int timed, out string? failure)
    {
        // run-on-gpu.sh names the nGPT reference.py; this family's reference sits beside it.
        var script = options.Reference is { } named && Path.GetFileName(named) != "reference.py"
            ? named
            : Path.Combine(Path.GetDirectoryName(options.Reference ?? Path.Combine(AppContext.BaseDirectory, "reference.py"))!, "hhml_reference.py");
        List<string> arguments = [script, "--device", options.Device, "--json", "--warmup", warmup.ToString(CultureInfo.InvariantCulture),
            "--cycles", timed.ToString(CultureInfo.InvariantCulture)];
        if (options.Quick) arguments.Add("--quick");
        Console.Error.WriteLine($"  PyTorch reference: {options.Python} {string.Join(' ', arguments)} (at most {ReferenceSeconds} s)");
        var psi = new ProcessStartInfo(options.Python!, arguments) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(ReferenceSeconds)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            failure = $"stopped after {ReferenceSeconds} s; no PyTorch figures";
            return null;
        }
        process.WaitForExit();   // the output stream to its end
        if (process.ExitCode != 0)
        {
            failure = $"{Path.GetFileName(script)} failed with exit code {process.ExitCode} (its error stream is in the log)";
            return null;
        }
        failure = null;
        return JsonNode.Parse(output.Result)!.AsObject();
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
