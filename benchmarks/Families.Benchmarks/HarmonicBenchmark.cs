using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Domain.Families;
using Dashboard.Torch;
using Dashboard.Worker.Experiments.Harmonic;
using Dashboard.Worker.Experiments.Harmonic.Field;
using Dashboard.Worker.Experiments.Harmonic.Gpt;
using Dashboard.Worker.Experiments.Training;

namespace Dashboard.Families.Benchmarks;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// Seed 004's two benchmarks through the binding: field trials per second for the seed's configs (all trials of a
/// config in one batch, eigh included, as the seed's runtime), and Harmonic GPT inference at the write-up's shape
/// (batch 4 × 256, forward only) against the standard GPT and, with --python, PyTorch eager, CUDA graph and
/// torch.compile of all three models (harmonic_reference.py, the port in harmonic_gpt.py) on the same device, with
/// the binding's weights and token ids (<see cref="HarmonicPort"/>: a port that computes another function is refused).
/// </summary>
internal static class HarmonicBenchmark
{
    public static void Run(BenchmarkOptions options, Device device)
    {
        var fieldConfigs = options.Quick
            ? [("tiny", 256, 40, 200, 16)]
            : HarmonicFamily.FieldConfigs.Where(c => c.Name != "xlarge").ToArray();
        var fieldRows = new List<string>();
        foreach (var (name, nodes, modes, timesteps, trials) in fieldConfigs)
        {
            var seed = HarmonicSeedFigures.Field.FirstOrDefault(r => r.Config == name);
            try
            {
                var (seconds, eigh, summary) = FieldTrialsSeconds(device, new HarmonicConfig
                {
                    Nodes = nodes, Modes = modes, Timesteps = timesteps, Trials = trials, Detector = "as-run",
                });
                var rate = trials / seconds;
                Console.Error.WriteLine($"  field {name}: {trials} trials in {seconds:F2} s (eigh {eigh:F2} s), {rate:F1} trials/s");
                var families = string.Join(" / ", InitialConditions.All.Select(f => $"{summary.DetectionByFamily[f] * 100:0}%"));
                fieldRows.Add($"| {name} | {Lattice.ForNodes(nodes).Nodes:N0} | {modes} | {timesteps:N0} | {trials} | {seconds:F2} | {eigh:F2} | " +
                    $"{rate:N1} | {(seed is null ? "–" : seed.TrialsPerSecond.ToString("F1", CultureInfo.InvariantCulture))} | " +
                    $"{(seed is null ? "–" : (rate / seed.TrialsPerSecond).ToString("N0", CultureInfo.InvariantCulture) + "×")} | " +
                    $"{summary.DetectionRate * 100:0.#}% ({families}) |");
            }
            catch (TorchException e)
            {
                fieldRows.Add($"| {name} | {nodes} | {modes} | {timesteps} | {trials} | failed: {e.Message.Split('\n')[0]} | | | | | |");
            }
        }

        var iterations = options.Steps ?? (options.Quick ? 3 : 50);
        var gptRows = new Dictionary<(string Model, bool Graph), InferenceRow?>();
        // The binding's weights, ids and logits per model, for the PyTorch port to load, check and time.
        var portFolder = options.Python is null ? null : Directory.CreateTempSubdirectory("harmonic-port-");
        foreach (var model in HarmonicFamily.Models)
            foreach (var graph in new[] { false, true })
            {
                try
                {
                    var row = Inference(device, model, options.Quick, iterations, graph, graph ? null : portFolder?.FullName);
                    gptRows[(model, graph)] = row;
                    Console.Error.WriteLine($"  {model} ({row.Result.Path}): {row.Result.TokensPerSecond:F0} tokens/s" +
                        (row.Result.Note is null ? "" : $" — {row.Result.Note}"));
                }
                catch (TorchException e)
                {
                    gptRows[(model, graph)] = null;
                    Console.Error.WriteLine($"  {model}: failed: {e.Message}");
                }
            }
        JsonObject? reference = null;
        if (options.Python is not null)
        {
            var script = Path.Combine(Path.GetDirectoryName(options.Reference ?? Path.Combine(AppContext.BaseDirectory, "reference.py"))!, "harmonic_reference.py");
            try
            {
                reference = FamilyBenchmarks.RunPython(options.Python, script,
                    ["--device", options.Device, "--json", "--iterations", iterations.ToString(CultureInfo.InvariantCulture),
                     "--weights", portFolder!.FullName, .. options.Quick ? new[] { "--quick" } : []]);
            }
            finally
            {
                portFolder!.Delete(recursive: true);
            }
        }

        Console.WriteLine($"Device: {(device.IsCuda ? reference?["device_name"]?.GetValue<string>() ?? "cuda" : FamilyBenchmarks.CpuName())} ({device}); " +
            $"binding on libtorch {Torch.Version}" + (reference is null ? "" : $"; PyTorch {reference["torch_version"]!.GetValue<string>()}"));
        Console.WriteLine();
        Console.WriteLine("Seed 004 field trials, as-run detector, every trial of a config in one batch (seconds include eigh, as the seed's runtime)");
        Console.WriteLine();
        Console.WriteLine("| Config | Nodes | Modes | Steps | Trials | Seconds | eigh (s) | Trials/s | Seed trials/s (RTX 4070 Ti) | Ours / seed | Detected (G / P / S / R) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var row in fieldRows) Console.WriteLine(row);
        Console.WriteLine();
        Console.WriteLine($"Harmonic GPT inference, batch {InferenceBenchmark.Batch} × {(options.Quick ? 48 : InferenceBenchmark.Tokens)}, forward only, " +
            $"fp32, {iterations} timed passes after 5 warm-up; binding eager, and replayed from a CUDA graph where the forward can be captured" +
            (reference is null ? "" : "; PyTorch: the same models (harmonic_gpt.py) with the binding's weights, on the same token ids"));
        Console.WriteLine();
        Console.WriteLine("| Model | Parameters (binding) | Parameters (PyTorch port) | Port − binding, max abs logit (eager; graph, compile) | Binding eager ms | Binding eager tokens/s | " +
            "Binding graph ms | Binding graph tokens/s | Best vs standard's best (binding) | PyTorch eager tokens/s | PyTorch CUDA graph tokens/s | " +
            "torch.compile tokens/s | Binding best / torch.compile | Seed tokens/s (as reported) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        InferenceRow? Graphed(string model) => gptRows.GetValueOrDefault((model, true)) is { Result.Path: "cuda-graph" } g ? g : null;
        double? Best(string model) => new[] { gptRows.GetValueOrDefault((model, false)), Graphed(model) }
            .Where(r => r is not null).Select(r => (double?)r!.Result.TokensPerSecond).Max();
        var standard = Best("standard");
        var notes = new List<string>();
        foreach (var model in HarmonicFamily.Models)
        {
            var eager = gptRows.GetValueOrDefault((model, false));
            var graphed = Graphed(model);
            var parameters = (eager ?? graphed)?.Parameters;
            var refusal = reference is null ? null : HarmonicPort.Refusal(reference, model, parameters);
            if (refusal is not null) notes.Add($"PyTorch {model} refused, the port computes another function: {refusal}.");
            string? PathRefusal(string mode) => reference is null ? null : HarmonicPort.PathRefusal(reference, model, mode);
            double? Reference(string mode) => refusal is null && PathRefusal(mode) is null ? reference?["results"]?[model]?[mode]?.GetValue<double>() : null;
            string Ref(string mode)
            {
                if (reference is null) return "–";
                if (refusal is not null) return "refused";
                if (PathRefusal(mode) is { } why)
                {
                    notes.Add($"PyTorch {model}, {mode} refused: {why}.");
                    return "refused";
                }
                if (Reference(mode) is { } v) return v.ToString("N0", CultureInfo.InvariantCulture);
                if (reference["errors"]?[model]?[mode] is { } error)
                {
                    notes.Add($"PyTorch {model}, {mode}: {error.GetValue<string>()}");
                    return "failed";
                }
                return "–";
            }
            string Ms(InferenceRow? r) => r is null ? "–" : $"{r.Result.MeanMs:F3} ± {r.Result.SdMs:F3}";
            string Rate(InferenceRow? r) => r is null ? "–" : r.Result.TokensPerSecond.ToString("N0", CultureInfo.InvariantCulture);
            string Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? (x / y).ToString("F2", CultureInfo.InvariantCulture) + "×" : "–";
            var portParameters = reference?["parameters"]?[model]?.GetValue<long>();
            Console.WriteLine($"| {model} | {(parameters is { } p ? p.ToString("N0", CultureInfo.InvariantCulture) : "–")} | " +
                $"{(portParameters is { } q ? q.ToString("N0", CultureInfo.InvariantCulture) + (q == parameters ? "" : " ✗") : "–")} | " +
                $"{HarmonicPort.CheckCell(reference, model)} | {Ms(eager)} | {Rate(eager)} | {Ms(graphed)} | {Rate(graphed)} | {Ratio(Best(model), standard)} | " +
                $"{Ref("eager")} | {Ref("graph")} | {Ref("compile")} | {Ratio(Best(model), Reference("compile"))} | " +
                $"{HarmonicSeedFigures.Gpt[model].TokensPerSecond:N0} |");
        }
        foreach (var note in gptRows.Values.Select(r => r?.Result.Note).OfType<string>().Distinct())
            Console.WriteLine($"\nNot graphed: {note}.");
        foreach (var note in notes.Distinct()) Console.WriteLine($"\n{note}");
        if (reference?["compile_seconds"] is JsonObject { Count: > 0 } compile)
        {
            string Built(string model) => reference["compile_built"]?[model] is JsonObject b
                ? $" ({b["graphs"]} graphs, {b["graph_breaks"]} graph breaks)" : "";
            Console.WriteLine("\ntorch.compile (mode default) compilation, not in the tokens/s: " +
                string.Join(", ", compile.Select(kv => $"{kv.Key} {kv.Value!.GetValue<double>():F1} s{Built(kv.Key)}")) + ".");
        }
        if (reference?["compile_skipped"]?.GetValue<string>() is { } skipped) Console.WriteLine($"\ntorch.compile not timed: {skipped}.");
        if (reference is not null)
            Console.WriteLine($"\nPort check: each PyTorch model was built from the binding's config, loaded the binding's weights by name (strict), " +
                $"and computed the logits of the timed ids (eager, and the CUDA graph's and torch.compile's where timed); each accepted within {HarmonicPort.Tolerance:G} × max(1, max |logit|).");
        Console.WriteLine();
        Console.WriteLine($"Harmonic GPT training throughput (the run's trainer, write-up shape, batch 4, AdamW with the warm-up cosine " +
                          $"schedule, clipping, dropout 0.2), tokens/s after {GraphedStep.DefaultWarmupSteps} warm-up steps and the capture, {iterations} timed");
        Console.WriteLine();
        Console.WriteLine("| Model | Binding eager | Binding CUDA graph | Notes |");
        Console.WriteLine("|---|---:|---:|---|");
        foreach (var model in HarmonicFamily.Models)
        {
            string Cell(StepGraphs graphs, out string note)
            {
                note = "";
                try
                {
                    var (tokens, failure) = Training(device, model, options.Quick, iterations, graphs);
                    if (failure is not null) note = $"graph fell back to eager: {failure}";
                    return tokens.ToString("N0", CultureInfo.InvariantCulture);
                }
                catch (TorchException e)
                {
                    note = $"failed: {e.Message.Split('\n')[0]}";
                    return "–";
                }
            }
            var eager = Cell(StepGraphs.Off, out var eagerNote);
            var graphNote = "";
            var graphed = device.IsCuda ? Cell(StepGraphs.Cuda, out graphNote) : "skipped";
            Console.WriteLine($"| {model} | {eager} | {graphed} | {string.Join("; ", new[] { eagerNote, graphNote }.Where(n => n.Length > 0))} |");
        }
    }

    /// <summary>Training tokens/s of one model through <see cref="GptTrainer"/>, and why its graph fell back (null if it did not).</summary>
    private static (double Tokens, string? Failure) Training(Device device, string model, bool quick, int steps, StepGraphs graphs)
    {
        Torch.ManualSeed(0);
        var config = quick
            ? new HarmonicConfig { Variant = "gpt", Model = model, Layers = 2, Heads = 2, Width = 32, Context = 48, Batch = 4, Window = 8, Steps = 1000 }
            : new HarmonicConfig { Variant = "gpt", Model = model, Batch = 4, Steps = 1000 };
        using var trainer = new GptTrainer(config, new Dashboard.Worker.Experiments.Training.TrainingDevice(device, false), graphs);
        using var inputs = Torch.RandInt(0, config.Vocab, [config.Batch, config.Context]);
        using var targets = Torch.RandInt(0, config.Vocab, [config.Batch, config.Context]);
        for (var i = 0; i <= GraphedStep.DefaultWarmupSteps; i++) trainer.Step(i, inputs, targets);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++) trainer.Step(GraphedStep.DefaultWarmupSteps + 1 + i, inputs, targets);   // each step waits for its loss
        var tokens = steps * (double)config.Batch * config.Context / clock.Elapsed.TotalSeconds;
        return (tokens, graphs == StepGraphs.Cuda && !trainer.UsesCudaGraph ? trainer.GraphFailure : null);
    }

    /// <summary>Seconds for every trial of a config in one batch, eigh included; eigh's own seconds; the summary.</summary>
    public static (double Seconds, double Eigh, FieldSummary Summary) FieldTrialsSeconds(Device device, HarmonicConfig config)
    {
        Torch.ManualSeed(0);
        // Warm the device's kernels and solver handles on a small lattice first, as the seed's own run did once per process.
        using (var warm = new FieldTrials(config with { Nodes = 100, Modes = 20, Timesteps = 100, Trials = 4 }, device)) warm.Run(0, 4);
        if (device.IsCuda) Cuda.Synchronize(device.Index);
        var clock = Stopwatch.StartNew();
        using var trials = new FieldTrials(config, device);
        var rows = trials.Run(0, config.Trials);
        if (device.IsCuda) Cuda.Synchronize(device.Index);
        return (clock.Elapsed.TotalSeconds, trials.EigenSeconds, FieldSummary.Of(rows));
    }

    private sealed record InferenceRow(InferenceBenchmark.Result Result, long Parameters);

    /// <summary>One inference row; with <paramref name="portFolder"/>, also the model's file for the PyTorch port.</summary>
    private static InferenceRow Inference(Device device, string model, bool quick, int iterations, bool graph, string? portFolder)
    {
        Torch.ManualSeed(0);
        // The write-up's shape: nanoGPT shakespeare-char, 4 × 256, 4 heads, block 256, vocabulary 65.
        var config = quick
            ? new HarmonicConfig { Variant = "gpt", Model = model, Layers = 2, Heads = 2, Width = 32, Context = 48, Vocab = 65, Window = 8, BenchmarkIterations = iterations }
            : new HarmonicConfig { Variant = "gpt", Model = model, Vocab = 65, BenchmarkIterations = iterations };
        using var gpt = new HarmonicGpt(config);
        gpt.To(device);
        // Drawn on the host after the seeded model, so that both rows of a model, and PyTorch, time the same ids.
        using var ids = Torch.RandInt(0, config.Vocab, [InferenceBenchmark.Batch, Math.Min(InferenceBenchmark.Tokens, config.Context)]);
        using var onDevice = ids.To(device);
        if (portFolder is not null) HarmonicPort.Write(Path.Combine(portFolder, $"{model}.safetensors"), gpt, config, ids, onDevice);
        var target = new Dashboard.Worker.Experiments.Training.TrainingDevice(device, false);
        return new InferenceRow(InferenceBenchmark.Run(gpt, config, target, graph, onDevice), gpt.NonEmbeddingCount);
    }
}
