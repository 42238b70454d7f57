using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Families.Benchmarks;
using Dashboard.Torch;
using Dashboard.Worker.Experiments.Training;

// Usage: Dashboard.Families.Benchmarks [--device cpu|cuda] [--python PATH] [--reference reference.py] [--quick] [--steps N] [--family hhml]
// Prints markdown tables: nGPT training throughput through the binding (eager and CUDA graph) and, with --python,
// PyTorch eager's (reference.py builds the same model the same way); and the residual-streams demo's wall time
// against the seed's. --quick: a small shape and few steps (CPU, to prove it runs).
// --family harmonic: seed 004's field trials per second and Harmonic GPT inference instead (HarmonicBenchmark.cs).
// --family sympscale (anywhere among the options): seed 003's tables instead (SympScaleBenchmark).
// The kernels held back from the workers run here too: the GPU checks below check them, refuse any that fail, and the
// timings time the rest; the nGPT rows then run what the workers run (the held-back kernels refused again, but for
// those DT_BENCH_HELD_BACK names).
Fused.AllowHeldBack();
if (SympScaleBenchmark.Selected(args) is { } rest) { SympScaleBenchmark.Run(rest); return; }
var options = BenchmarkOptions.Parse(args);
var device = Device.Parse(options.Device);
if (options.Family == "hhml")
{
    // --family hhml: seed 000's benchmark alone (HhmlBenchmark.cs); --steps sets its timed cycles; --python adds hhml_reference.py's rows.
    HhmlBenchmark.Run(options, device);
    return;
}
if (options.Family is "ngpt-profile" or "ngpt-profile-graph" or "ngpt-profile-fp32" or "ngpt-profile-graph-fp32")
{
    // --family ngpt-profile[-graph][-fp32]: a few nGPT steps (eager or graphed; bf16 autocast or fp32) inside a profiled
    // range, for ncu (KernelProfile.cs, kernel_profile.py).
    // The workers' kernels, and of the held-back ones only those DT_BENCH_HELD_BACK names, so that a profile with a
    // held-back kernel and one without differ in it alone.
    Console.Error.WriteLine($"held-back kernels profiled: {KeepNamedHeldBack()}");
    KernelProfile.Run(device, options.Steps ?? 3, graph: options.Family.Contains("-graph"), bf16: !options.Family.EndsWith("-fp32"));
    return;
}
if (options.Family == "gemm")
{
    // --family gemm: the nGPT step's products one by one (GemmFloor.cs), fp32 and bf16; seconds.
    var gemmShape = device.IsCuda ? Shape.Seed : Shape.Quick;
    var hidden = FamilyBenchmarks.NGptConfigFor(gemmShape, bf16: false).Hidden;
    GemmFloor.PrintEach("fp32 (TF32 off)", GemmFloor.MeasureEach(device, gemmShape, hidden, ScalarType.Float32, tf32: false));
    if (device.IsCuda) GemmFloor.PrintEach("bf16", GemmFloor.MeasureEach(device, gemmShape, hidden, ScalarType.BFloat16, tf32: false));
    return;
}
if (options.Family == "attention")
{
    // --family attention: the short-sequence attention kernel against ATen in float64 at several sizes (each output's
    // relative error), then timed against ATen's attention at the seed's shape.
    if (!device.IsCuda || !Fused.IsCompiledIn)
    {
        Console.WriteLine("The attention kernel needs a CUDA device and a shim built with the fused kernels (build.sh with nvcc); nothing to check here.");
        return;
    }
    Console.WriteLine("| (B, H, T, d) | out | ∂q | ∂k | ∂(q/k/v product) |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    foreach (var (b, h, t, d) in new[] { (16, 8, 128, 48), (3, 5, 37, 20), (2, 3, 1, 8), (2, 2, 128, 64), (1, 1, 37, 48), (1, 1, 128, 64), (2, 2, 64, 48), (2, 2, 65, 48) })
    {
        try
        {
            var errors = GpuChecks.CausalAttentionErrors(device, b, h, t, d);
            Console.WriteLine($"| ({b}, {h}, {t}, {d}) | {string.Join(" | ", errors.Select(e => e.ToString("G3", CultureInfo.InvariantCulture)))} |");
        }
        catch (Exception e) when (e is TorchException or InvalidOperationException)
        {
            Console.WriteLine($"| ({b}, {h}, {t}, {d}) | failed: {e.Message.Split('\n')[0]} | | | |");
        }
    }
    Console.WriteLine();
    AttentionTiming.Print(device, Shape.Seed);
    return;
}
if (options.Family == "kernels")
{
    // --family kernels (a short lease): every fused kernel's GPU check, the attention, table-row and AdamW + projection
    // kernels timed against the paths they replace, then nGPT's fp32 (TF32 off) graphed step with every kernel, then
    // dropping AdamW's step with the projection, the embedding-gradient, scaled-rows, attention and partial-sums kernels
    // one after another (no PyTorch rows).
    if (!device.IsCuda || !Fused.IsCompiledIn)
    {
        Console.WriteLine("The kernels need a CUDA device and a shim built with the fused kernels (build.sh with nvcc); nothing to check here.");
        return;
    }
    var kernelChecks = GpuChecks.KernelChecks(device);
    GpuChecks.Print(kernelChecks);
    AttentionTiming.Print(device, Shape.Seed);
    TableRowsTiming.Print(device, Shape.Seed);
    AdamWProjectionTiming.Print(device, Shape.Seed);
    var timedSteps = options.Steps ?? 100;
    // A run first whose figure is not kept, so that the rows below do not depend on which of them runs first in the process.
    FamilyBenchmarks.NGpt(device, Shape.Seed, bf16: false, cudaGraph: true, 20);
    Throughput Step() => FamilyBenchmarks.NGpt(device, Shape.Seed, bf16: false, cudaGraph: true, timedSteps);
    var stepRows = new List<(string Label, Throughput Result)>
    {
        ("every kernel that passed above, held back or not (the table rows', and attention unless refused above)", Step()),
    };
    foreach (var (dropped, label) in new[]
    {
        (FusedKernel.AdamWProjection, "without AdamW's step with the projection (libtorch's fused AdamW, then the projection kernel)"),
        (FusedKernel.EmbeddingGradient, "and without the embedding-gradient kernel (ATen's)"),
        (FusedKernel.ScaledRows, "and without the scaled-rows kernel (ATen's head scaling)"),
        (FusedKernel.CausalAttention, "and without the attention kernel (ATen's attention): the workers' set before the tenth session"),
        (FusedKernel.PartialSums, "and without the partial-sums kernel (ATen's sums of the parameter partials)"),
    })
    {
        Fused.Refuse(dropped);
        stepRows.Add((label, Step()));
    }
    Console.WriteLine("nGPT fp32 (TF32 off), binding CUDA graph, tokens/s (same call; each row also without the kernels the rows above dropped)");
    Console.WriteLine();
    // ms a step beside tokens/s, so that a row's difference reads as time (the seed's step is 16 × 128 tokens).
    string Ms(Throughput t) => (Shape.Seed.Batch * Shape.Seed.Context / t.TokensPerSecond * 1000).ToString("F3", CultureInfo.InvariantCulture);
    Console.WriteLine("| Step | tokens/s | ms a step | final loss | Notes |");
    Console.WriteLine("|---|---:|---:|---:|---|");
    foreach (var (label, t) in stepRows)
        Console.WriteLine($"| {label} | {t.TokensPerSecond:N0} | {Ms(t)} | {t.FinalLoss:F4} | {t.Note} |");
    Console.WriteLine();
    return;
}
if (options.Family == "harmonic")
{
    // seed 004 alone (HarmonicBenchmark.cs).
    HarmonicBenchmark.Run(options, device);
    return;
}
var shape = options.Quick ? Shape.Quick : Shape.Seed;
var steps = options.Steps ?? (options.Quick ? 5 : 100);
Console.Error.WriteLine($"libtorch {Dashboard.Torch.Torch.Version}, device {device}, CUDA build {Dashboard.Torch.Torch.HasCudaBuild}, " +
    $"CUDA available {Cuda.IsAvailable}, fused attention {Functional.HasFusedAttention}, fused kernels compiled in {Fused.IsCompiledIn}; " +
    $"nGPT {shape}, {steps} timed steps");

string[] precisions = device.IsCuda ? ["fp32", "bf16"] : ["fp32"];
// DT_BENCH_PRECISIONS=fp32 (comma-separated, of fp32, bf16, tf32): only those rows, binding and PyTorch (a short lease).
var precisionFilter = Environment.GetEnvironmentVariable("DT_BENCH_PRECISIONS") is { Length: > 0 } only ? only.Split(',') : null;
if (precisionFilter is not null) precisions = precisions.Where(precisionFilter.Contains).ToArray();
// DT_BENCH_LEAN=1: leave out the rows that answer side questions (the chunked head beside the plain one, the fused
// kernels on against off), for a lease too short for the whole table.
var lean = Environment.GetEnvironmentVariable("DT_BENCH_LEAN") == "1";
var checks = device.IsCuda ? GpuChecks.Run(device, shape) : [];
// The graphed step uses capturable AdamW, fused where libtorch has it: both must have passed to be timed.
var graphRefused = checks.Where(c => c.Path is GpuChecks.GraphPath or GpuChecks.FusedAdamWPath && !c.Passed && c.Failure?.Contains("no _fused_adamw_") != true)
    .Select(c => c.Name).FirstOrDefault();
var chunkedRefused = checks.Any(c => c.Path == GpuChecks.ChunkedHeadPath && !c.Passed);
// The short-sequence attention and table-row kernels against ATen on this GPU: one that is not faster is refused, so
// the rows below run the faster of the two (the tables say which; a kernel refused by its check is not timed).
if (device.IsCuda)
{
    AttentionTiming.Print(device, shape);
    TableRowsTiming.Print(device, shape);
    AdamWProjectionTiming.Print(device, shape);
}
// The nGPT rows run the workers' kernels, and of the held-back ones those DT_BENCH_HELD_BACK names (a candidate set
// timed against PyTorch in one call before it goes to the workers).
Console.Error.WriteLine($"held-back kernels in the nGPT rows: {KeepNamedHeldBack()}");
// The fused kernels are on in the nGPT rows (as in a run's config), less any refused by its own check, unless the
// training with them differed from the training without.
FamilyBenchmarks.UseFusedKernels = !checks.Any(c => c.Path == GpuChecks.FusedTrainingPath && !c.Passed);
var binding = new Dictionary<(string Precision, bool Graph), Throughput?>();
var plainHead = new Dictionary<string, Throughput?>();   // the graphed step with the chunked head, beside the plain one
foreach (var precision in precisions)
{
    foreach (var graph in device.IsCuda ? new[] { false, true } : [false])
    {
        if (graph && graphRefused is not null)
        {
            binding[(precision, graph)] = new Throughput(double.NaN, null, double.NaN, $"refused: check failed ({graphRefused})");
            continue;
        }
        try
        {
            var result = FamilyBenchmarks.NGpt(device, shape, precision == "bf16", graph, steps);
            binding[(precision, graph)] = result;
            if (graph && !chunkedRefused && !lean)
                plainHead[precision] = FamilyBenchmarks.NGpt(device, shape, precision == "bf16", graph, steps, chunkedHead: true);
            Console.Error.WriteLine($"  nGPT {precision} {(graph ? "CUDA graph" : "eager")}: {result.TokensPerSecond:F0} tokens/s, " +
                $"loss {result.FinalLoss:F4} after {FamilyBenchmarks.Warmup + steps} steps {result.Note}");
        }
        catch (TorchException e)
        {
            // One failing row must not cost the rest of the table.
            binding[(precision, graph)] = new Throughput(double.NaN, null, double.NaN, $"failed: {e.Message}");
            Console.Error.WriteLine($"  nGPT {precision} {(graph ? "CUDA graph" : "eager")}: failed: {e.Message}");
        }
    }
}

FamilyBenchmarks.MhcDemoTiming? mhc = null;
var mhcSteps = options.Quick ? 5 : 50;
try
{
    // The demo runs as a worker runs it: its step captured in a CUDA graph, unless that path failed its check.
    var residualGraph = !checks.Any(c => c.Path == GraphChecks.ResidualStreamsPath && !c.Passed);
    if (!residualGraph) Console.Error.WriteLine("  mHC demo: the residual-streams graph check failed, timing it eagerly");
    mhc = FamilyBenchmarks.MhcDemo(device, options.Quick ? mhcSteps : null, residualGraph);
    Console.Error.WriteLine($"  mHC demo ({mhcSteps} steps): {mhc.Seconds:F2} s");
}
catch (Exception e) when (e is TorchException or InvalidOperationException)
{
    Console.Error.WriteLine($"  mHC demo: failed: {e.Message}");
}
// The same demo run in PyTorch on the same device (the seed's model and loop), after the binding's rows.
JsonObject? mhcReference = null;
// DT_BENCH_MHC_REFERENCE=0 leaves it out (its torch.compile takes ~3 minutes of a lease), for a call that re-times nGPT alone.
var mhcReferenceWanted = Environment.GetEnvironmentVariable("DT_BENCH_MHC_REFERENCE") != "0";
if (mhcReferenceWanted && options.Python is not null && (device.IsCuda || !options.Quick))   // minutes on a CPU: not in a --quick run
{
    try
    {
        var script = Path.Combine(Path.GetDirectoryName(options.Reference ?? Path.Combine(AppContext.BaseDirectory, "reference.py"))!, "mhc_reference.py");
        mhcReference = FamilyBenchmarks.RunPython(options.Python, script,
            ["--device", options.Device, "--json", "--steps", mhcSteps.ToString(CultureInfo.InvariantCulture)]);
    }
    catch (InvalidOperationException e)
    {
        Console.Error.WriteLine($"  mHC demo in PyTorch: failed: {e.Message}");
    }
}

JsonObject? reference = null;
if (options.Python is not null)
{
    var script = options.Reference ?? Path.Combine(AppContext.BaseDirectory, "reference.py");
    List<string> arguments = [script, "--device", options.Device, "--json", "--steps", steps.ToString(CultureInfo.InvariantCulture)];
    if (options.Quick) arguments.Add("--quick");
    if (options.ReferenceModes is { } modes) arguments.AddRange(["--modes", modes]);
    if (precisionFilter is not null) arguments.AddRange(["--precisions", string.Join(",", precisionFilter)]);
    var psi = new ProcessStartInfo(options.Python, arguments) { RedirectStandardOutput = true, UseShellExecute = false };
    using var process = Process.Start(psi)!;
    var output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0) throw new InvalidOperationException($"reference.py failed with exit code {process.ExitCode}");
    reference = JsonNode.Parse(output)!.AsObject();
}

static string Number(double? value, string format = "N0") =>
    value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

double? Reference(string precision, string mode, string table = "results") => reference?[table]?[precision]?[mode]?.GetValue<double>();

var deviceName = device.IsCuda ? reference?["device_name"]?.GetValue<string>() ?? "cuda" : FamilyBenchmarks.CpuName();
Console.WriteLine($"Device: {deviceName} ({device}); binding on libtorch {Dashboard.Torch.Torch.Version}" +
    (reference is null ? "" : $"; PyTorch {reference["torch_version"]!.GetValue<string>()}"));
Console.WriteLine();
if (checks.Count > 0) GpuChecks.Print(checks);
Console.WriteLine($"nGPT training throughput, tokens/s (higher is better): {shape}, AdamW, projection every step, {steps} timed steps " +
    $"after {FamilyBenchmarks.Warmup} warm-up steps; fused kernels {(device.IsCuda && Fused.IsCompiledIn && FamilyBenchmarks.UseFusedKernels ? "on" : "off")}");
Console.WriteLine();
Console.WriteLine("| Precision | Binding eager | Binding CUDA graph | PyTorch eager | PyTorch CUDA graph | torch.compile | torch.compile max-autotune | " +
    "Binding best / PyTorch eager | Binding best / best PyTorch | Peak MiB (binding graph) | Notes |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
foreach (var precision in precisions)
{
    var eager = binding.GetValueOrDefault((precision, false));
    var graph = binding.GetValueOrDefault((precision, true));
    var theirs = Reference(precision, "eager");
    var theirsGraph = Reference(precision, "graph");
    var best = graph?.TokensPerSecond ?? eager?.TokensPerSecond;
    var ratio = best is { } b && theirs is { } t && t > 0 ? (b / t).ToString("F2", CultureInfo.InvariantCulture) + "×" : "–";
    var pytorchModes = new[] { "eager", "graph", "compile", "compile-max" };
    var bestTheirs = pytorchModes.Select(m => Reference(precision, m)).Where(v => v is > 0).Max();
    var bestRatio = best is { } bb && bestTheirs is { } bt ? (bb / bt).ToString("F2", CultureInfo.InvariantCulture) + "×" : "–";
    // Same seed, same batch, same number of steps: every path should end at (nearly) the same loss.
    var losses = $"final loss: binding eager {Number(eager?.FinalLoss, "F4")}" + (device.IsCuda ? $", graph {Number(graph?.FinalLoss, "F4")}" : "") +
        (reference is null ? "" : "; PyTorch " + string.Join(", ", pytorchModes
            .Where(m => Reference(precision, m, "losses") is not null)
            .Select(m => $"{m} {Number(Reference(precision, m, "losses"), "F4")}")));
    var compiles = pytorchModes.Where(m => Reference(precision, m, "compile_seconds") is not null)
        .Select(m => $"{m} compiled in {Number(Reference(precision, m, "compile_seconds"), "F1")} s").ToList();
    if (compiles.Count > 0) losses += "; " + string.Join(", ", compiles);
    var plain = plainHead.GetValueOrDefault(precision);
    var headNote = chunkedRefused ? "chunked head refused by its check" :
        plain is null ? null : $"graph with the chunked head: {Number(plain.TokensPerSecond)} tokens/s, loss {Number(plain.FinalLoss, "F4")}";
    var notes = string.Join("; ", new[] { losses, headNote, eager?.Note, graph?.Note, device.IsCuda ? null : "CUDA-graph rows skipped on the CPU" }
        .Where(n => !string.IsNullOrEmpty(n)));
    Console.WriteLine($"| {(precision == "bf16" ? "bf16 autocast" : "fp32")} | {Number(eager?.TokensPerSecond)} | " +
        $"{(device.IsCuda ? Number(graph?.TokensPerSecond) : "skipped")} | {Number(theirs)} | {(device.IsCuda ? Number(theirsGraph) : "skipped")} | " +
        $"{Number(Reference(precision, "compile"))} | {Number(Reference(precision, "compile-max"))} | " +
        $"{ratio} | {bestRatio} | {Number((graph ?? eager)?.PeakMemoryMb)} | {notes} |");
}
Console.WriteLine();
if (device.IsCuda && graphRefused is null && precisionFilter?.Contains("tf32") != false)
{
    // precision: tf32, a run's opt-in (PyTorch's default, and the fp32 rows above, keep TF32 off).
    var tf32 = FamilyBenchmarks.NGpt(device, shape, bf16: false, cudaGraph: true, steps, tf32: true);
    var compiledTf32 = Reference("tf32", "compile");
    Console.WriteLine($"fp32 with TensorFloat-32 matmuls (precision: tf32), binding CUDA graph: {Number(tf32.TokensPerSecond)} tokens/s, " +
        $"final loss {Number(tf32.FinalLoss, "F4")}{(tf32.Note.Length > 0 ? "; " + tf32.Note : "")}; torch.compile with TF32 matmuls " +
        $"(torch.backends.cuda.matmul.allow_tf32): {Number(compiledTf32)} tokens/s, final loss {Number(Reference("tf32", "compile", "losses"), "F4")}" +
        (compiledTf32 is { } c && double.IsFinite(tf32.TokensPerSecond) ? $"; binding / torch.compile {(tf32.TokensPerSecond / c).ToString("F2", CultureInfo.InvariantCulture)}×" : ""));
    Console.WriteLine();
    try
    {
        var floor = GemmFloor.Measure(device, shape, FamilyBenchmarks.NGptConfigFor(shape, bf16: false).Hidden);
        GemmFloor.Print(floor, shape, precision => precision == "tf32"
            ? (tf32.TokensPerSecond, compiledTf32)
            : (binding.GetValueOrDefault((precision, true))?.TokensPerSecond, Reference(precision, "compile")));
    }
    catch (TorchException e)
    {
        Console.WriteLine($"GEMM floor: failed: {e.Message.Split('\n')[0]}");
        Console.WriteLine();
    }
}
if (lean) Console.WriteLine("Fused kernels on against off: left out (DT_BENCH_LEAN=1).\n");
else FusedKernelsBenchmark.Run(device, shape, steps, checks, precisions, graphRefused is not null);
Console.WriteLine("Residual-streams demo (seed 002, demo_mhc.yaml: seed architecture, 24-layer mHC, d_model 128, 4 streams, seq 64, batch 32, 50 steps), wall time of the whole run through its executor");
Console.WriteLine();
double? MhcReference(string mode, string key = "seconds") => mhcReference?["modes"]?[mode]?[key]?.GetValue<double>();
Console.WriteLine("| Run | Binding (s) | PyTorch eager (s) | torch.compile (s; compiling) | Seed, PyTorch (s) | Seed / binding | Best PyTorch / binding |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
const double SeedSeconds = 17.1;
var full = mhcSteps == 50;
var bestPyTorch = new[] { MhcReference("eager"), MhcReference("compile") }.Where(v => v is not null).Min();
Console.WriteLine($"| mHC demo, {mhcSteps} steps | {Number(mhc?.Seconds, "F2")} | {Number(MhcReference("eager"), "F2")} | " +
    $"{Number(MhcReference("compile"), "F2")}{(MhcReference("compile", "compile_seconds") is { } compiling ? $"; {compiling:F1}" : "")} | " +
    $"{(full ? "17.1" : "– (seed ran 50)")} | " +
    $"{(full && mhc is { } m1 ? (SeedSeconds / m1.Seconds).ToString("F1", CultureInfo.InvariantCulture) + "×" : "–")} | " +
    $"{(bestPyTorch is { } fastest && mhc is { } m2 ? (fastest / m2.Seconds).ToString("F2", CultureInfo.InvariantCulture) + "×" : "–")} |");
if (mhc is { } timing)
{
    Console.WriteLine();
    Console.WriteLine($"Where the binding's demo run went: to the end of step 1 (model build included) {timing.FirstStep:F3} s, eager warm-up " +
        $"steps 2–{GraphedStep.DefaultWarmupSteps} {timing.OtherWarmupSteps:F3} s, the captured step {timing.CapturedStep:F3} s, each replayed step " +
        $"{timing.ReplayedStepMean * 1000:F2} ms, after the last step {timing.AfterLastStep:F3} s.");
}

// Refuses the kernels of Fused.HeldBack that DT_BENCH_HELD_BACK (comma-separated FusedKernel names) does not name;
// returns the names kept. Exits 2 on a name that is not a held-back kernel, rather than time without it.
static string KeepNamedHeldBack()
{
    var named = (Environment.GetEnvironmentVariable("DT_BENCH_HELD_BACK") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    if (named.FirstOrDefault(n => !Fused.HeldBack.Any(k => k.ToString() == n)) is { } unknown)
    {
        Console.Error.WriteLine($"DT_BENCH_HELD_BACK: '{unknown}' is not a held-back kernel; they are {string.Join(", ", Fused.HeldBack)}.");
        Environment.Exit(2);
    }
    foreach (var kernel in Fused.HeldBack.Where(k => !named.Contains(k.ToString())))
        Fused.Refuse(kernel);
    return named.Length == 0 ? "none" : string.Join(", ", named);
}
