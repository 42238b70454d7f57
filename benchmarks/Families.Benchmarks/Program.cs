using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Families.Benchmarks;
using Dashboard.Torch;

// Usage: Dashboard.Families.Benchmarks [--device cpu|cuda] [--python PATH] [--reference reference.py] [--quick] [--steps N]
// Prints markdown tables: nGPT training throughput through the binding (eager and CUDA graph) and, with --python,
// PyTorch eager's (reference.py builds the same model the same way); and the residual-streams demo's wall time
// against the seed's. --quick: a small shape and few steps (CPU, to prove it runs).
// --family sympscale (anywhere among the options): seed 003's tables instead (SympScaleBenchmark).
if (SympScaleBenchmark.Selected(args) is { } rest) { SympScaleBenchmark.Run(rest); return; }
var options = BenchmarkOptions.Parse(args);
var device = Device.Parse(options.Device);
var shape = options.Quick ? Shape.Quick : Shape.Seed;
var steps = options.Steps ?? (options.Quick ? 5 : 100);
Console.Error.WriteLine($"libtorch {Dashboard.Torch.Torch.Version}, device {device}, CUDA build {Dashboard.Torch.Torch.HasCudaBuild}, " +
    $"CUDA available {Cuda.IsAvailable}, fused attention {Functional.HasFusedAttention}; nGPT {shape}, {steps} timed steps");

string[] precisions = device.IsCuda ? ["fp32", "bf16"] : ["fp32"];
var binding = new Dictionary<(string Precision, bool Graph), Throughput?>();
foreach (var precision in precisions)
{
    foreach (var graph in device.IsCuda ? new[] { false, true } : [false])
    {
        try
        {
            var result = FamilyBenchmarks.NGpt(device, shape, precision == "bf16", graph, steps);
            binding[(precision, graph)] = result;
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

double? mhcSeconds = null;
var mhcSteps = options.Quick ? 5 : 50;
try
{
    mhcSeconds = FamilyBenchmarks.MhcDemoSeconds(device, options.Quick ? mhcSteps : null);
    Console.Error.WriteLine($"  mHC demo ({mhcSteps} steps): {mhcSeconds:F2} s");
}
catch (Exception e) when (e is TorchException or InvalidOperationException)
{
    Console.Error.WriteLine($"  mHC demo: failed: {e.Message}");
}

JsonObject? reference = null;
if (options.Python is not null)
{
    var script = options.Reference ?? Path.Combine(AppContext.BaseDirectory, "reference.py");
    List<string> arguments = [script, "--device", options.Device, "--json", "--steps", steps.ToString(CultureInfo.InvariantCulture)];
    if (options.Quick) arguments.Add("--quick");
    var psi = new ProcessStartInfo(options.Python, arguments) { RedirectStandardOutput = true, UseShellExecute = false };
    using var process = Process.Start(psi)!;
    var output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0) throw new InvalidOperationException($"reference.py failed with exit code {process.ExitCode}");
    reference = JsonNode.Parse(output)!.AsObject();
}

static string Number(double? value, string format = "N0") =>
    value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

double? Reference(string precision, string mode) => reference?["results"]?[precision]?[mode]?.GetValue<double>();

var deviceName = device.IsCuda ? reference?["device_name"]?.GetValue<string>() ?? "cuda" : FamilyBenchmarks.CpuName();
Console.WriteLine($"Device: {deviceName} ({device}); binding on libtorch {Dashboard.Torch.Torch.Version}" +
    (reference is null ? "" : $"; PyTorch {reference["torch_version"]!.GetValue<string>()}"));
Console.WriteLine();
Console.WriteLine($"nGPT training throughput, tokens/s (higher is better): {shape}, AdamW, projection every step, {steps} timed steps " +
    $"after {FamilyBenchmarks.Warmup} warm-up steps");
Console.WriteLine();
Console.WriteLine("| Precision | Binding eager | Binding CUDA graph | PyTorch eager | PyTorch CUDA graph | Binding best / PyTorch eager | Peak MiB (binding graph) | Notes |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|");
foreach (var precision in precisions)
{
    var eager = binding.GetValueOrDefault((precision, false));
    var graph = binding.GetValueOrDefault((precision, true));
    var theirs = Reference(precision, "eager");
    var theirsGraph = Reference(precision, "graph");
    var best = graph?.TokensPerSecond ?? eager?.TokensPerSecond;
    var ratio = best is { } b && theirs is { } t && t > 0 ? (b / t).ToString("F2", CultureInfo.InvariantCulture) + "×" : "–";
    // Same seed, same batch, same number of steps: eager and graph should end at (nearly) the same loss.
    var losses = $"final loss: eager {Number(eager?.FinalLoss, "F4")}" + (device.IsCuda ? $", graph {Number(graph?.FinalLoss, "F4")}" : "");
    var notes = string.Join("; ", new[] { losses, eager?.Note, graph?.Note, device.IsCuda ? null : "CUDA-graph rows skipped on the CPU" }
        .Where(n => !string.IsNullOrEmpty(n)));
    Console.WriteLine($"| {(precision == "bf16" ? "bf16 autocast" : "fp32")} | {Number(eager?.TokensPerSecond)} | " +
        $"{(device.IsCuda ? Number(graph?.TokensPerSecond) : "skipped")} | {Number(theirs)} | {(device.IsCuda ? Number(theirsGraph) : "skipped")} | " +
        $"{ratio} | {Number((graph ?? eager)?.PeakMemoryMb)} | {notes} |");
}
Console.WriteLine();
Console.WriteLine("Residual-streams demo (seed 002: 24-layer mHC, width 64, 4 streams, 50 steps), wall time of the whole run through its executor");
Console.WriteLine();
Console.WriteLine("| Run | Binding (s) | Seed, PyTorch (s) | Seed / binding |");
Console.WriteLine("|---|---:|---:|---:|");
const double SeedSeconds = 17.1;
var full = mhcSteps == 50;
Console.WriteLine($"| mHC demo, {mhcSteps} steps | {Number(mhcSeconds, "F2")} | {(full ? "17.1" : "– (seed ran 50)")} | " +
    $"{(full && mhcSeconds is { } s ? (SeedSeconds / s).ToString("F1", CultureInfo.InvariantCulture) + "×" : "–")} |");
