using System.Diagnostics;
using System.Text.Json.Nodes;
using Dashboard.Domain.Families;
using Dashboard.Domain.Scheduling;
using Dashboard.Torch;
using Dashboard.Worker.Execution;
using Dashboard.Worker.Experiments.NGpt;
using Dashboard.Worker.Experiments.Training;
using Dashboard.Worker.Experiments.ResidualStreams;

namespace Dashboard.Families.Benchmarks;

using Torch = Dashboard.Torch.Torch;

/// <summary>The model shape of a throughput row.</summary>
internal sealed record Shape(int Layers, int Width, int Heads, int Context, int Batch, int Vocab)
{
    /// <summary>Seed 001's: 8 layers × 384, 8 heads, context 128, batch 16, GPT-2's vocabulary.</summary>
    public static readonly Shape Seed = new(8, 384, 8, 128, 16, 50257);

    /// <summary>Small enough for a CPU in seconds.</summary>
    public static readonly Shape Quick = new(2, 64, 4, 32, 4, 256);

    public override string ToString() => $"{Layers} layers × {Width}, {Heads} heads, context {Context}, batch {Batch}, vocab {Vocab}";

    /// <summary>
    /// nGPT's unit-norm matrices at this shape as (rows, cols, the dim each vector runs along): embeddings and head by
    /// rows; per block q, k, v and W_uv by rows, the attention's and the MLP's output projections by columns.
    /// </summary>
    public IReadOnlyList<(long Rows, long Cols, int Dim)> UnitMatrixShapes()
    {
        long c = Width, hidden = (8 * c / 3 + 7) / 8 * 8;
        var shapes = new List<(long Rows, long Cols, int Dim)> { (Vocab, c, 1), (Vocab, c, 1) };
        for (var layer = 0; layer < Layers; layer++)
            shapes.AddRange([(c, c, 1), (c, c, 1), (c, c, 1), (c, c, 0), (2 * hidden, c, 1), (c, hidden, 0)]);
        return shapes;
    }
}

internal sealed record Throughput(double TokensPerSecond, double? PeakMemoryMb, double FinalLoss, string Note);

/// <summary>
/// What reference.py measures in PyTorch, measured through the binding with the worker's own trainers:
/// nGPT training throughput (forward, backward, AdamW, projection every step and the weight-norm deviation, as the
/// seed's baseline config), eagerly and with the whole step replayed from a CUDA graph; and the wall time of the
/// residual-streams demo run (seed 002: 24-layer mHC, 50 steps), end to end through its executor.
/// </summary>
internal static class FamilyBenchmarks
{
    public const int Warmup = 10;

    /// <summary>
    /// Whether the nGPT rows run with the fused kernels (where compiled in): on by default, as a run's config; off when
    /// their GPU check failed, so that a failing path is never timed.
    /// </summary>
    public static bool UseFusedKernels { get; set; } = true;

    public static NGptConfig NGptConfigFor(Shape shape, bool bf16, bool? fusedKernels = null) => NGptConfig.From(new JsonObject
    {
        ["variant"] = "ngpt", ["layers"] = shape.Layers, ["width"] = shape.Width, ["heads"] = shape.Heads,
        ["context"] = shape.Context, ["batch"] = shape.Batch, ["vocab"] = shape.Vocab,
        ["projection_every"] = 1, ["alpha_shape"] = "vector", ["precision"] = bf16 ? "bfloat16" : "float32",
        ["fused_kernels"] = fusedKernels ?? UseFusedKernels,
    });

    /// <summary>Tokens per second over <paramref name="steps"/> steps after <see cref="Warmup"/> (which include the capture).</summary>
    public static Throughput NGpt(Device device, Shape shape, bool bf16, bool cudaGraph, int steps, bool chunkedHead = false,
        bool? fusedKernels = null, bool tf32 = false)
    {
        using var matmuls = tf32 ? Torch.AllowMatmulTf32() : null;   // precision: tf32 (float32 storage, TF32 matmuls)
        Torch.ManualSeed(0);
        var config = NGptConfigFor(shape, bf16, fusedKernels);
        if (device.IsCuda) Cuda.ResetPeakMemoryStats(device.Index);
        using var trainer = new NGptTrainer(config, device, bf16Autocast: bf16 && device.IsCuda, cudaGraph ? StepGraphs.Cuda : StepGraphs.Off, chunkedHead);
        using var scope = Torch.NewDisposeScope();
        // Bytes index the first 256 tokens, as in the product.
        var inputs = Torch.RandInt(0, 256, [shape.Batch, shape.Context]).To(device);
        var targets = Torch.RandInt(0, 256, [shape.Batch, shape.Context]).To(device);
        for (var i = 0; i < Warmup; i++) trainer.Step(i, inputs, targets);
        trainer.Metrics();
        var note = cudaGraph && !trainer.UsesCudaGraph ? $"fell back to eager: {trainer.GraphFailure}" : "";
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++) trainer.Step(Warmup + i, inputs, targets);
        var (loss, _) = trainer.Metrics();   // waits for the device
        var seconds = clock.Elapsed.TotalSeconds;
        if (!double.IsFinite(loss)) note = $"loss {loss}! {note}";
        double? peak = device.IsCuda ? Cuda.MemoryStats(device.Index).PeakAllocatedBytes / (1024.0 * 1024.0) : null;
        return new Throughput(steps * (double)shape.Batch * shape.Context / seconds, peak, loss, note.Trim());
    }

    /// <summary>
    /// The residual-streams "demo" preset through its executor (model build, 50 steps, metrics), as a worker runs it:
    /// on CUDA the step is captured in a CUDA graph after 3 warm-up steps (cuda_graph), unless told otherwise. Returns
    /// the whole run's seconds and where they went, from the time each step's progress was reported.
    /// </summary>
    public static MhcDemoTiming MhcDemo(Device device, int? steps, bool cudaGraph = true)
    {
        var family = new ResidualStreamsFamily();
        var config = family.WithDefaults((JsonObject)family.Presets.Single(p => p.Name == "demo").Config.DeepClone());
        if (steps is { } n) config["steps"] = n;
        config["cuda_graph"] = cudaGraph;
        config["checkpoint_every"] = 0;
        var folder = Directory.CreateTempSubdirectory("mhc-demo-");
        try
        {
            var clock = new Stopwatch();
            var progress = new StepTimes(clock);
            var context = new RunContext
            {
                RunId = 0, Family = family.Name, Config = config, RunFolder = folder,
                Metrics = new DiscardingSink(), Log = new DiscardingLog(), Progress = progress,
                Device = device.IsCuda ? new WorkerDevice(DeviceKind.Cuda, device.Index) : WorkerDevice.Cpu,
            };
            clock.Start();
            var outcome = new ResidualStreamsExecutor().ExecuteAsync(context, CancellationToken.None).GetAwaiter().GetResult();
            var seconds = clock.Elapsed.TotalSeconds;
            if (outcome.Kind != RunOutcomeKind.Succeeded) throw new InvalidOperationException($"the demo run ended {outcome.Kind}: {outcome.Reason}");
            return MhcDemoTiming.From(seconds, progress.Seconds, GraphedStep.DefaultWarmupSteps);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The demo run's wall time and where it went (seconds): to the end of the first step (the model's build included),
    /// the other eager warm-up steps, the step that is captured (recorded, instantiated and run), the replayed steps'
    /// mean, and what follows the last step. NaN where the run had too few steps.
    /// </summary>
    public sealed record MhcDemoTiming(double Seconds, double FirstStep, double OtherWarmupSteps, double CapturedStep, double ReplayedStepMean, double AfterLastStep)
    {
        public static MhcDemoTiming From(double seconds, IReadOnlyList<double> stepEnds, int warmupSteps)
        {
            if (stepEnds.Count < warmupSteps + 2) return new(seconds, stepEnds.FirstOrDefault(double.NaN), double.NaN, double.NaN, double.NaN, double.NaN);
            return new(seconds, stepEnds[0], stepEnds[warmupSteps - 1] - stepEnds[0], stepEnds[warmupSteps] - stepEnds[warmupSteps - 1],
                (stepEnds[^1] - stepEnds[warmupSteps]) / (stepEnds.Count - warmupSteps - 1), seconds - stepEnds[^1]);
        }
    }

    private sealed class StepTimes(Stopwatch clock) : IRunProgress
    {
        public List<double> Seconds { get; } = [];
        public void ReportProgress(long step, long? totalSteps) => Seconds.Add(clock.Elapsed.TotalSeconds);
    }

    private sealed class DiscardingSink : IMetricSink
    {
        public void Report(long step, IReadOnlyDictionary<string, double> values, DateTimeOffset wallTime) { }
    }

    private sealed class DiscardingLog : IRunLog
    {
        public void Write(string stream, string line) { }
    }

    /// <summary>Runs a reference script that prints one JSON object, and parses it.</summary>
    public static JsonObject RunPython(string python, string script, IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo(python, [script, .. arguments]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(script)} failed with exit code {process.ExitCode}");
        return JsonNode.Parse(output)!.AsObject();
    }

    public static string CpuName()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? "cpu";
        }
        catch (IOException)
        {
            return "cpu";
        }
    }
}
