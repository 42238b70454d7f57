using System.Diagnostics;
using System.Globalization;
using Dashboard.Torch;

namespace Dashboard.Families.Benchmarks;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// What the fused kernels buy: the nGPT step with fused_kernels on and off (same shape, steps and seed; eager and CUDA
/// graph), and each fused op alone against its ATen reference. Skipped, saying why, on a CPU, where the shim was built
/// without the kernels, or where their GPU check failed (a failing path is never timed).
/// </summary>
internal static class FusedKernelsBenchmark
{
    public static void Run(Device device, Shape shape, int steps, IReadOnlyList<GpuCheck> checks, IReadOnlyList<string> precisions, bool graphRefused)
    {
        Console.WriteLine("Fused kernels (nGPT's normalized residual update, rotary + q/k normalisation, the projection onto the sphere), on against off");
        Console.WriteLine();
        if (!device.IsCuda)
        {
            Console.WriteLine("Skipped: CPU (the ATen references run either way).");
            Console.WriteLine();
            return;
        }
        if (!Fused.IsCompiledIn)
        {
            Console.WriteLine("Skipped: this libdashtorch was built without the fused kernels (build.sh found no nvcc, or they failed to build; its output says why).");
            Console.WriteLine();
            return;
        }
        if (checks.FirstOrDefault(c => c.Path == GpuChecks.FusedTrainingPath && !c.Passed) is { } failed)
        {
            Console.WriteLine($"Refused: training with the fused kernels differed from training without ({failed.Name}); the nGPT rows above ran without them.");
            Console.WriteLine();
            return;
        }
        foreach (var refused in checks.Where(c => c.Path == GpuChecks.FusedKernelsPath && !c.Passed))
            Console.WriteLine($"Not used (its check failed): {refused.Name}");

        Console.WriteLine($"nGPT step, {shape}, tokens/s over {steps} steps (higher is better)");
        Console.WriteLine();
        Console.WriteLine("| Precision | Step | Fused on | Fused off | On / off | Final loss on / off |");
        Console.WriteLine("|---|---|---:|---:|---:|---|");
        foreach (var precision in precisions)
            foreach (var graph in graphRefused ? new[] { false } : [false, true])
            {
                string row;
                try
                {
                    var on = FamilyBenchmarks.NGpt(device, shape, precision == "bf16", graph, steps, fusedKernels: true);
                    var off = FamilyBenchmarks.NGpt(device, shape, precision == "bf16", graph, steps, fusedKernels: false);
                    row = Invariant($"{on.TokensPerSecond:N0} | {off.TokensPerSecond:N0} | {on.TokensPerSecond / off.TokensPerSecond:F2}× | ") +
                          Invariant($"{on.FinalLoss:F4} / {off.FinalLoss:F4} {on.Note} {off.Note}").Trim();
                }
                catch (TorchException e)
                {
                    row = $"failed | – | – | {e.Message.Split('\n')[0]}";
                }
                Console.WriteLine($"| {(precision == "bf16" ? "bf16 autocast" : "fp32")} | {(graph ? "CUDA graph" : "eager")} | {row} |");
            }
        Console.WriteLine();

        Console.WriteLine("Each fused op alone, eager launches, µs per call (lower is better)");
        Console.WriteLine();
        Console.WriteLine("| Op | Kernel | ATen reference | Reference / kernel |");
        Console.WriteLine("|---|---:|---:|---:|");
        var tokens = (long)shape.Batch * shape.Context;
        OpRow($"normalized residual, forward + backward, ({tokens}, {shape.Width}), h fp32, u bf16, α ({shape.Width})",
            kernel => ResidualStep(device, tokens, shape.Width, kernel));
        OpRow($"rotary + q/k normalisation, forward + backward, ({shape.Batch}, {shape.Heads}, {shape.Context}, {shape.Width / shape.Heads}) bf16 view",
            kernel => RotaryStep(device, shape, kernel));
        OpRow($"projection onto the sphere, nGPT's {2 + 6 * shape.Layers} matrices, fp32", kernel => ProjectionStep(device, shape, kernel));
        Console.WriteLine();
    }

    private static void OpRow(string name, Func<bool, Action> make)
    {
        try
        {
            var kernel = Microseconds(make(true));
            var reference = Microseconds(make(false));
            Console.WriteLine(Invariant($"| {name} | {kernel:F1} | {reference:F1} | {reference / kernel:F2}× |"));
        }
        catch (TorchException e)
        {
            Console.WriteLine($"| {name} | failed: {e.Message.Split('\n')[0]} | – | – |");
        }
    }

    private static Action ResidualStep(Device device, long tokens, int width, bool kernel)
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(6);
        var h = Torch.Randn([tokens, width]).To(device).DetachFromDisposeScope().RequiresGrad_();
        var u = Torch.Randn([tokens, width]).To(device).To(ScalarType.BFloat16).DetachFromDisposeScope().RequiresGrad_();
        var alpha = Torch.Full([width], 0.05).To(device).DetachFromDisposeScope().RequiresGrad_();
        var gradOut = Torch.Randn([tokens, width]).To(device).DetachFromDisposeScope();
        return () =>
        {
            using var step = Torch.NewDisposeScope();
            var result = Fused.NormalizedResidual(h, u, alpha, useKernel: kernel);
            Autograd.Grad([result], [h, u, alpha], [gradOut]);
        };
    }

    private static Action RotaryStep(Device device, Shape shape, bool kernel)
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(8);
        var d = shape.Width / shape.Heads;
        var x = Torch.Randn([shape.Batch, shape.Context, shape.Heads, d]).To(device).To(ScalarType.BFloat16).DetachFromDisposeScope().RequiresGrad_();
        var cos = Torch.Rand([shape.Context, d]).To(device).DetachFromDisposeScope();
        var sin = Torch.Rand([shape.Context, d]).To(device).DetachFromDisposeScope();
        var scale = Torch.Ones([1, shape.Heads, 1, d]).To(device).DetachFromDisposeScope().RequiresGrad_();
        var gradOut = Torch.Randn([shape.Batch, shape.Heads, shape.Context, d]).To(device).DetachFromDisposeScope();
        return () =>
        {
            using var step = Torch.NewDisposeScope();
            var result = Fused.RotaryNormalize(x.Transpose(1, 2), cos, sin, scale, useKernel: kernel);
            Autograd.Grad([result], [x, scale], [gradOut]);
        };
    }

    private static Action ProjectionStep(Device device, Shape shape, bool kernel)
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(7);
        var weights = shape.UnitMatrixShapes().Select(s => (Torch.Randn([s.Rows, s.Cols]).To(device).DetachFromDisposeScope(), s.Dim)).ToList();
        return () => Fused.ProjectToSphere(weights, useKernel: kernel);
    }

    private static double Microseconds(Action body, int iterations = 200)
    {
        for (var i = 0; i < 10; i++) body();
        Cuda.Synchronize();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++) body();
        Cuda.Synchronize();
        return clock.Elapsed.TotalMicroseconds / iterations;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
