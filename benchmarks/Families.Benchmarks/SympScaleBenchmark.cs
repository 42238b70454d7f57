using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Domain.Families.SympScale;
using Dashboard.Torch;
using Dashboard.Torch.Optim;
using Dashboard.Worker.Experiments.SympScale;
using Dashboard.Worker.Experiments.SympScale.Systems;
using Dashboard.Worker.Experiments.Training;

namespace Dashboard.Families.Benchmarks;

/// <summary>
/// Seed 003's figures, selected with <c>--family sympscale</c>: reference-data generation (wall time and
/// invariant drift, the CR3BP 100-period Jacobi check), training throughput of each model at the
/// cr3bp-reliability shape in float64 (with PyTorch eager and torch.compile from sympscale_reference.py when
/// --python is given), the extrapolated wall time of one 40,000-step run, and the peak memory of the bptt-memory
/// points the card can hold (CUDA; a small stand-in on the CPU).
/// </summary>
internal static class SympScaleBenchmark
{
    private static readonly string[] Models = ["symp", "gru", "rk4", "freeform"];

    /// <summary>Force evaluations (∇V+∇Φ) per rollout step: the floor of the Hamiltonian models' work.</summary>
    private static readonly Dictionary<string, int> ForceEvaluations = new() { ["symp"] = 3, ["rk4"] = 4, ["gru"] = 0, ["freeform"] = 0 };

    /// <summary>The other options when the arguments hold "--family sympscale"; null otherwise.</summary>
    public static string[]? Selected(string[] args)
    {
        var at = Array.IndexOf(args, "--family");
        return at >= 0 && at + 1 < args.Length && args[at + 1] == "sympscale" ? [.. args[..at], .. args[(at + 2)..]] : null;
    }

    /// <summary>Runs the tables; "--only data|training|memory" runs one of them.</summary>
    public static void Run(string[] args)
    {
        var at = Array.IndexOf(args, "--only");
        var only = at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        if (only is not null) args = [.. args[..at], .. args[(at + 2)..]];
        var options = BenchmarkOptions.Parse(args);
        var device = Device.Parse(options.Device);
        var steps = options.Steps ?? (options.Quick ? 5 : 50);
        Console.Error.WriteLine($"libtorch {Dashboard.Torch.Torch.Version}, device {device}, sympscale, {steps} timed steps");
        var deviceName = device.IsCuda ? "cuda" : FamilyBenchmarks.CpuName();

        Console.WriteLine($"Device: {deviceName} ({device}); binding on libtorch {Dashboard.Torch.Torch.Version}; float64 throughout");
        Console.WriteLine();
        if (only is null or "data") DataGeneration(options.Quick);
        if (only is null or "training")
        {
            var reference = options.Python is null ? null : RunReference(options, steps);
            if (reference?["device_name"]?.GetValue<string>() is { } name) Console.WriteLine($"Reference device: {name}, PyTorch {reference["torch_version"]}");
            Training(device, options.Quick, steps, reference);
        }
        if (only is null or "memory") Memory(device, options.Quick);
    }

    private static JsonObject Config(JsonObject overrides) => new SympScaleFamily().WithDefaults(overrides);

    private static void DataGeneration(bool quick)
    {
        Console.WriteLine("Reference data (CPU, float64, 50 trajectories × 1,200 samples unless noted; all cores)");
        Console.WriteLine();
        Console.WriteLine("| System | D | Integrator | Wall time (s) | Max invariant drift |");
        Console.WriteLine("|---|---:|---|---:|---:|");
        (string System, int Dim)[] sets = quick ? [("cr3bp", 4), ("fput-beta", 16), ("toda", 8)]
            : [("cr3bp", 4), ("fput-beta", 16), ("fput-beta", 64), ("fput-beta", 256), ("fput-beta", 1024), ("toda", 64), ("toda", 256)];
        foreach (var (systemName, dim) in sets)
        {
            var overrides = new JsonObject { ["system"] = systemName, ["dim"] = dim };
            if (quick) { overrides["trajectories"] = 4; overrides["train_trajectories"] = 2; overrides["length"] = 200; overrides["rollout"] = 100; }
            var config = SympScaleConfig.From(Config(overrides));
            var system = SystemCatalogue.For(config);
            var clock = Stopwatch.StartNew();
            var data = TrajectorySet.Generate(config, system);
            var seconds = clock.Elapsed.TotalSeconds;
            var drift = Enumerable.Range(0, config.Trajectories).Max(n =>
            {
                var c0 = system.Invariant(data.AsSpan(n * config.Length * dim, dim));
                return Enumerable.Range(0, config.Length).Max(t => Math.Abs(system.Invariant(data.AsSpan((n * config.Length + t) * dim, dim)) - c0));
            });
            var integrator = systemName.StartsWith("fput", StringComparison.Ordinal) ? "Yoshida-8" : "DOP853 rtol 1e-10, atol 1e-12";
            Console.WriteLine(Invariant($"| {systemName} | {dim} | {integrator} | {seconds:F2} | {drift:0.00e+0} |"));
        }
        // The seed's validation: x_L2 + 0.01, v_y = 0.1, 100 periods of 2π, 20 samples a period.
        foreach (var (rtol, atol) in new[] { (1e-10, 1e-12), (1e-14, 1e-16) })
        {
            var cr3bp = new Cr3bp(Cr3bp.EarthMoon, rtol, atol);
            double[] s0 = [1 + Math.Cbrt(Cr3bp.EarthMoon / 3) + 0.01, 0, 0, 0.1];
            var periods = quick ? 5 : 100;
            var clock = Stopwatch.StartNew();
            var trajectory = cr3bp.Trajectory(s0, periods * 20 + 1, 2 * Math.PI / 20);
            var c0 = cr3bp.Invariant(s0);
            var drift = Enumerable.Range(0, periods * 20 + 1).Max(t => Math.Abs(cr3bp.Invariant(trajectory.AsSpan(t * 4, 4)) - c0));
            Console.WriteLine(Invariant($"| cr3bp validation, {periods} periods (seed: 4.23e-11 over 100) | 4 | DOP853 rtol {rtol:G0}, atol {atol:G0} | {clock.Elapsed.TotalSeconds:F3} | {drift:0.00e+0} |"));
        }
        Console.WriteLine();
    }

    private static void Training(Device device, bool quick, int steps, JsonObject? reference)
    {
        var overrides = new JsonObject { ["system"] = "cr3bp", ["dim"] = 4 };
        if (quick) { overrides["trajectories"] = 4; overrides["train_trajectories"] = 2; overrides["length"] = 200; overrides["rollout"] = 100; }
        // The graph column is timed only for the models whose graphed step passed its check (GraphChecks: graphed =
        // rehearsed = the matrix-norm definition), as the nGPT rows refuse a failed path.
        var checks = device.IsCuda ? GraphChecks.SympScale(device).ToList() : [];
        if (checks.Count > 0) GpuChecks.Print(checks);
        Console.WriteLine($"Training throughput at the cr3bp-reliability shape (D = 4, width 110 / GRU 64, batch 64, k = 8, Adam, clip 1.0, " +
                          $"spectral norm, Newton projection straight-through for symp/rk4), steps/s after 3 warm-up steps and the capture step, {steps} timed; " +
                          "the graph column replays the whole step from a CUDA graph (the spectral norm's SVD runs before each step, outside it), " +
                          "timed only where its check above passed; best = the faster of the binding's two");
        Console.WriteLine();
        Console.WriteLine("| Model | Parameters | Force evals / rollout step | Binding eager (steps/s) | Binding CUDA graph | PyTorch eager | torch.compile | " +
                          "Binding best / torch.compile | One evaluation (s) | 40,000-step run (min) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var folder = Path.Combine(Path.GetTempPath(), "sympscale-bench-data");
        foreach (var model in Models)
        {
            overrides["model"] = model;
            var config = SympScaleConfig.From(Config(overrides));
            var system = SystemCatalogue.For(config);
            var data = TrajectorySet.Load(config, system, folder);
            var match = SympScaleCapacity.Match(config.Dim, config.ActionDim, config.Width)!;
            using var train = data.Normalised(0, data.TrainCount, ScalarType.Float64, device);
            using var test = data.Normalised(data.TrainCount, data.TestCount, ScalarType.Float64, device);
            using var mean = Tensor.From(data.Mean).To(device);
            using var std = Tensor.From(data.Std).To(device);
            var sampler = new WindowSampler(data.TrainCount, data.Length, config.BpttWindow, config.Batch, 1, device);
            // The trainer the executor runs, eagerly and (on CUDA) replayed from a CUDA graph; the step waits for its loss.
            (double PerSecond, double Evaluation, long Parameters, string Note) Time(StepGraphs graphs)
            {
                Dashboard.Torch.Torch.ManualSeed(1);
                using var net = SympScaleModels.Build(config, match);
                net.To(device, ScalarType.Float64);
                using var trainer = new SympScaleTrainer(net, config, system, mean, std, device, graphs);
                void Step(long i)
                {
                    using var scope = Dashboard.Torch.Torch.NewDisposeScope();
                    trainer.Step(i, sampler.Batch(train, i));
                }
                for (var i = 0; i < GraphedStep.DefaultWarmupSteps + 1; i++) Step(i);   // the warm-up, and the capture
                if (device.IsCuda) Cuda.Synchronize(device.Index);
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < steps; i++) Step(GraphedStep.DefaultWarmupSteps + 1 + i);
                if (device.IsCuda) Cuda.Synchronize(device.Index);
                var perSecond = steps / clock.Elapsed.TotalSeconds;
                clock.Restart();
                // Evaluation does not depend on the step's path: timed once, with the eager trainer.
                if (graphs == StepGraphs.Off) RolloutEvaluation.Evaluate(net, test, system, mean, std, config);
                var note = graphs == StepGraphs.Cuda && !trainer.UsesCudaGraph ? $"graph fell back to eager: {trainer.GraphFailure}" : "";
                return (perSecond, clock.Elapsed.TotalSeconds, net.ParameterCount(), note);
            }
            var eager = Time(StepGraphs.Off);
            var refused = checks.FirstOrDefault(c => c.Name == GraphChecks.SympScaleCheckName(model) && !c.Passed);
            var graphed = device.IsCuda && refused is null ? Time(StepGraphs.Cuda) : ((double, double, long, string)?)null;
            var perSecond = graphed is { } g && g.Item4.Length == 0 ? Math.Max(g.Item1, eager.PerSecond) : eager.PerSecond;
            var evaluation = eager.Evaluation;
            var runMinutes = (40_000 / perSecond + 8 * evaluation) / 60;   // 8 evaluations at eval_every 5000
            if (graphed is { Item4.Length: > 0 } failed) Console.Error.WriteLine($"{model}: {failed.Item4}");
            if (refused is not null) Console.Error.WriteLine($"{model}: CUDA graph not timed, its check failed ({refused.Failure ?? $"error {refused.Error:0.###e+0}"})");
            double? Theirs(string mode) => reference?["results"]?[model]?[mode]?.GetValue<double>();
            string Cell(double? v) => v is { } x ? Invariant($"{x:F1}") : "–";
            var graphCell = refused is not null ? "refused: check failed" : graphed is { } r ? (r.Item4.Length == 0 ? Invariant($"{r.Item1:F1}") : "fell back") : "–";
            var ratio = Theirs("compile") is > 0 and { } compiled ? Invariant($"{perSecond / compiled:F2}×") : "–";
            Console.WriteLine(Invariant($"| {model} | {eager.Parameters:N0} | {ForceEvaluations[model]} | {eager.PerSecond:F1} | {graphCell} | ") +
                              Invariant($"{Cell(Theirs("eager"))} | {Cell(Theirs("compile"))} | {ratio} | {evaluation:F2} | {runMinutes:F1} |"));
        }
        Console.WriteLine();
        Console.WriteLine("The seed gives no wall time for its CPU smoke run (40k steps, rollout 1,000); the last column is ours, extrapolated.");
        Console.WriteLine();
    }

    private static void Memory(Device device, bool quick)
    {
        var batches = quick || !device.IsCuda ? new[] { 2, 4 } : [256, 384, 512, 768, 1024];
        var (window, dim, width) = quick || !device.IsCuda ? (50, 16, 55) : (1000, 256, 512);
        Console.WriteLine(Invariant($"Full-horizon BPTT, one training step of symp (float64, T = {window}, D = {dim}, width {width}): peak memory") +
                          (device.IsCuda ? "" : " — CUDA only; the CPU rows are a small stand-in that proves the path runs"));
        Console.WriteLine();
        Console.WriteLine("| Batch | Estimate (GiB) | Measured peak (GiB) | Seed (GB, XLA estimate) | Step (s) | Outcome |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---|");
        var total = device.IsCuda ? Cuda.DeviceMemory(device.Index).TotalBytes : long.MaxValue;
        foreach (var batch in batches)
        {
            var config = SympScaleConfig.From(Config(new JsonObject
            {
                ["system"] = "fput-beta", ["dim"] = dim, ["width"] = width, ["bptt_window"] = "full", ["rollout"] = window,
                ["length"] = window + 20, ["trajectories"] = 4, ["train_trajectories"] = 2, ["metric_window"] = 10,
                ["batch"] = batch, ["projection"] = "none",
            }));
            var match = SympScaleCapacity.Match(dim, 2, width)!;
            var estimate = BpttMemory.EstimateBytes(config, match.HamiltonianWidth);
            var seed = SympScaleSeedFigures.BpttMemory.Where(m => m.Batch == batch).Select(m => Invariant($"{m.Gigabytes:0}")).FirstOrDefault() ?? "–";
            if (estimate > 0.95 * total)
            {
                Console.WriteLine(Invariant($"| {batch} | {BpttMemory.GiB(estimate):F1} | – | {seed} | – | refused: needs {BpttMemory.GiB(estimate):F0} GiB, this GPU has {BpttMemory.GiB(total):F0} GiB |"));
                continue;
            }
            try
            {
                Dashboard.Torch.Torch.ManualSeed(1);
                using var net = SympScaleModels.Build(config, match);
                net.To(device, ScalarType.Float64);
                using var scope = Dashboard.Torch.Torch.NewDisposeScope();
                var window0 = Dashboard.Torch.Torch.Randn([batch, window + 1, dim], ScalarType.Float64, device) * 0.5;
                if (device.IsCuda) { Cuda.Synchronize(device.Index); Cuda.ResetPeakMemoryStats(device.Index); }
                var clock = Stopwatch.StartNew();
                var loss = SympScaleExecutor.Loss(net, window0, SystemCatalogue.For(config), Tensor.From(new double[dim]).To(device), Dashboard.Torch.Torch.Ones([dim], ScalarType.Float64, device), config);
                loss.Backward();
                if (device.IsCuda) Cuda.Synchronize(device.Index);
                var seconds = clock.Elapsed.TotalSeconds;
                var peak = device.IsCuda ? Invariant($"{Cuda.MemoryStats(device.Index).PeakAllocatedBytes / 1073741824.0:F1}") : "–";
                Console.WriteLine(Invariant($"| {batch} | {BpttMemory.GiB(estimate):F2} | {peak} | {seed} | {seconds:F2} | ran |"));
            }
            catch (TorchException e)
            {
                Console.WriteLine(Invariant($"| {batch} | {BpttMemory.GiB(estimate):F1} | – | {seed} | – | failed: {e.Message.Split('\n')[0]} |"));
            }
            if (device.IsCuda) Cuda.EmptyCache();
        }
        Console.WriteLine();
    }

    private static JsonObject? RunReference(BenchmarkOptions options, int steps)
    {
        // run-on-gpu.sh names the nGPT reference.py; this family's reference sits beside it.
        var script = options.Reference is { } named && Path.GetFileName(named) != "reference.py"
            ? named
            : Path.Combine(Path.GetDirectoryName(options.Reference) is { Length: > 0 } folder ? folder : AppContext.BaseDirectory, "sympscale_reference.py");
        List<string> arguments = [script, "--device", options.Device, "--json", "--steps", steps.ToString(CultureInfo.InvariantCulture)];
        var psi = new ProcessStartInfo(options.Python!, arguments) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} failed with exit code {process.ExitCode}");
        return JsonNode.Parse(output)!.AsObject();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
