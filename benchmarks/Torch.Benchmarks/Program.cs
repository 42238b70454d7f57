using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Torch;
using Dashboard.Torch.Benchmarks;

// Usage: Dashboard.Torch.Benchmarks [--device cpu|cuda] [--python PATH] [--reference reference.py] [--quick]
// Prints a markdown table: the binding's figures and, when --python is given, PyTorch eager's
// (reference.py measures the same things the same way).
var options = BenchmarkOptions.Parse(args);
var device = Device.Parse(options.Device);
Console.Error.WriteLine($"libtorch {Torch.Version}, device {device}, CUDA build {Torch.HasCudaBuild}, CUDA available {Cuda.IsAvailable}");

var binding = new Dictionary<string, double>();
foreach (var (name, measure) in Benchmarks.Rows(device, options.Quick))
{
    try
    {
        binding[name] = measure();
        Console.Error.WriteLine($"  {name}: {binding[name]:F2} us");
    }
    catch (TorchException e)
    {
        // One failing row (e.g. a feature this libtorch lacks) must not cost the rest of the table.
        binding[name] = double.NaN;
        Console.Error.WriteLine($"  {name}: failed: {e.Message}");
    }
}

JsonObject? reference = null;
if (options.Python is not null)
{
    var script = options.Reference ?? Path.Combine(AppContext.BaseDirectory, "reference.py");
    var psi = new ProcessStartInfo(options.Python, [script, "--device", options.Device, "--json", .. options.Quick ? new[] { "--quick" } : []])
    {
        RedirectStandardOutput = true,
        UseShellExecute = false,
    };
    using var process = Process.Start(psi)!;
    var output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0) throw new InvalidOperationException($"reference.py failed with exit code {process.ExitCode}");
    reference = JsonNode.Parse(output)!.AsObject();
}

var deviceName = device.IsCuda ? reference?["device_name"]?.GetValue<string>() ?? "cuda" : Benchmarks.CpuName();
Console.WriteLine($"Device: {deviceName} ({device}); binding on libtorch {Torch.Version}" +
    (reference is null ? "" : $"; PyTorch {reference["torch_version"]!.GetValue<string>()}"));
Console.WriteLine();
Console.WriteLine("| Benchmark | Binding (µs) | PyTorch eager (µs) | Binding / PyTorch |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (var (name, ours) in binding)
{
    var theirs = reference?["results"]?[name]?.GetValue<double>();
    var ratio = theirs is { } t ? (ours / t).ToString("F2", CultureInfo.InvariantCulture) : "–";
    var theirsText = theirs is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "–";
    Console.WriteLine($"| {name} | {ours.ToString("F2", CultureInfo.InvariantCulture)} | {theirsText} | {ratio} |");
}
