using Dashboard.Torch;
using Dashboard.Torch.Optim;
using Dashboard.Worker.Experiments.NGpt;
using Dashboard.Worker.Experiments.Training;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Families.Benchmarks;

using Torch = Dashboard.Torch.Torch;

/// <summary>One GPU path checked against its reference before it is timed.</summary>
internal sealed record GpuCheck(string Name, string Path, double Error, double Tolerance, string? Failure = null)
{
    public bool Passed => Failure is null && double.IsFinite(Error) && Error <= Tolerance;
}

/// <summary>
/// What CI cannot test (it has no GPU), checked on the GPU machine before any timing: each fast path computes what its
/// reference computes, as ‖fast − reference‖ / ‖reference‖ on fresh random inputs. A path whose check failed is not
/// timed (its rows say "refused"). Printed as a table.
/// </summary>
internal static class GpuChecks
{
    public const string GraphPath = "graph";
    public const string FusedAdamWPath = "fused-adamw";
    public const string ChunkedHeadPath = "chunked-head";

    public static IReadOnlyList<GpuCheck> Run(Device device, Shape shape)
    {
        var checks = new List<GpuCheck>
        {
            Check("CUDA-graph nGPT step = eager step (loss and parameters after 6 steps)", GraphPath, 1e-4, () => GraphEqualsEager(device, shape)),
            Check("chunked head + cross entropy = plain head (eager nGPT, loss and parameters after 6 steps)", ChunkedHeadPath, 1e-4,
                () => ChunkedEqualsPlain(device, shape)),
            Check("capturable AdamW on the device = AdamW with host step counts", "capturable-adamw", 1e-5,
                () => AdamWPaths(device, new AdamWOptions(true, false), new AdamWOptions(false, false))),
            Check("fused AdamW (_fused_adamw_) = multi-tensor capturable AdamW", FusedAdamWPath, 1e-5,
                () => AdamWPaths(device, new AdamWOptions(true, true), new AdamWOptions(true, false))),
            Check("bf16 autocast matmul = fp32 matmul (bf16 operands)", "autocast", 1e-2, () => Autocast(device)),
            Check("fused attention (scaled_dot_product_attention) = composed attention", "attention", 1e-4, () => Attention(device)),
            Check("rms_norm op = composed x·rsqrt(mean x² + ε)·w", "rms-norm", 1e-5, () => RmsNorm(device)),
        };
        checks.AddRange(GraphChecks.Run(device));   // every family's graphed step, and the fallback on a failed capture
        return checks;
    }

    public static void Print(IReadOnlyList<GpuCheck> checks)
    {
        Console.WriteLine("GPU checks (before timing; a failed path is not timed)");
        Console.WriteLine();
        Console.WriteLine("| Check | Relative error | Tolerance | Result |");
        Console.WriteLine("|---|---:|---:|---|");
        foreach (var c in checks)
            Console.WriteLine($"| {c.Name} | {c.Error:0.###e+0} | {c.Tolerance:0e+0} | {(c.Passed ? "pass" : "FAIL" + (c.Failure is null ? "" : $": {c.Failure}"))} |");
        Console.WriteLine();
    }

    internal static GpuCheck Check(string name, string path, double tolerance, Func<double> measure)
    {
        try
        {
            return new GpuCheck(name, path, measure(), tolerance);
        }
        catch (Exception e) when (e is TorchException or InvalidOperationException)
        {
            return new GpuCheck(name, path, double.NaN, tolerance, e.Message.Split('\n')[0]);
        }
    }

    internal static double RelativeError(Tensor actual, Tensor expected)
    {
        using var scope = Torch.NewDisposeScope();
        var a = actual.To(ScalarType.Float64);
        var e = expected.To(ScalarType.Float64);
        return (a - e).Norm().ToDouble() / Math.Max(e.Norm().ToDouble(), 1e-30);
    }

    private static double GraphEqualsEager(Device device, Shape shape) => TrainedAlike(device, shape, graph => (graph, true));

    private static double ChunkedEqualsPlain(Device device, Shape shape) => TrainedAlike(device, shape, chunked => (false, chunked));

    /// <summary>Relative difference between two trainings that differ in one path (false: the reference, true: the fast one).</summary>
    private static double TrainedAlike(Device device, Shape shape, Func<bool, (bool Graph, bool Chunked)> paths)
    {
        var config = FamilyBenchmarks.NGptConfigFor(shape, bf16: false);
        (double Loss, Tensor Parameters) Train(bool fast)
        {
            var (graph, chunked) = paths(fast);
            Torch.ManualSeed(0);
            using var trainer = new NGptTrainer(config, device, bf16Autocast: false, graph ? StepGraphs.Cuda : StepGraphs.Off, chunkedHead: chunked);
            using var scope = Torch.NewDisposeScope();
            Torch.ManualSeed(1);
            var inputs = Torch.RandInt(0, 256, [shape.Batch, shape.Context]).To(device);
            var targets = Torch.RandInt(0, 256, [shape.Batch, shape.Context]).To(device);
            for (var i = 0; i < 6; i++) trainer.Step(i, inputs, targets);
            if (graph && !trainer.UsesCudaGraph) throw new InvalidOperationException($"no graph: {trainer.GraphFailure}");
            var (loss, _) = trainer.Metrics();
            var flat = Torch.Cat(trainer.Model.Parameters().Select(p => p.Detach().Reshape(-1)).ToArray());
            return (loss, flat.DetachFromDisposeScope());
        }
        var (eagerLoss, eager) = Train(false);
        var (graphLoss, graphed) = Train(true);
        using (eager)
        using (graphed)
            return Math.Max(Math.Abs(graphLoss - eagerLoss) / Math.Abs(eagerLoss), RelativeError(graphed, eager));
    }

    private sealed record AdamWOptions(bool Capturable, bool Fused);

    private static double AdamWPaths(Device device, AdamWOptions fast, AdamWOptions reference)
    {
        Tensor Run(AdamWOptions options)
        {
            Torch.ManualSeed(2);
            using var scope = Torch.NewDisposeScope();
            var parameters = new[] { Torch.Randn([64, 48]), Torch.Randn([48]), Torch.Randn([7, 3, 5]) }
                .Select(p => p.To(device).DetachFromDisposeScope().RequiresGrad_()).ToArray();
            try
            {
                using var optimizer = new AdamW([new ParamGroup(parameters, 1e-2, 0.1)], capturable: options.Capturable, useFused: options.Fused);
                if (options.Fused && !optimizer.Fused) throw new InvalidOperationException("this libtorch has no _fused_adamw_");
                for (var step = 0; step < 5; step++)
                {
                    using var inner = Torch.NewDisposeScope();
                    optimizer.ZeroGrad();
                    var loss = parameters.Select(p => (p * p * p).Sum()).Aggregate((a, b) => a + b);
                    loss.Backward();
                    optimizer.Step();
                }
                return Torch.Cat(parameters.Select(p => p.Detach().Reshape(-1)).ToArray()).DetachFromDisposeScope();
            }
            finally
            {
                foreach (var p in parameters) p.Dispose();
            }
        }
        using var actual = Run(fast);
        using var expected = Run(reference);
        return RelativeError(actual, expected);
    }

    private static double Autocast(Device device)
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.Randn([256, 512]).To(device);
        var b = Torch.Randn([512, 128]).To(device);
        Tensor product;
        using (Torch.Autocast(DeviceType.Cuda, ScalarType.BFloat16)) product = a.MatMul(b);
        if (product.Dtype != ScalarType.BFloat16) throw new InvalidOperationException($"autocast gave {product.Dtype}, not bf16");
        return RelativeError(product, a.MatMul(b));
    }

    private static double Attention(Device device)
    {
        using var scope = Torch.NewDisposeScope();
        var q = Torch.Randn([2, 4, 64, 32]).To(device);
        var k = Torch.Randn([2, 4, 64, 32]).To(device);
        var v = Torch.Randn([2, 4, 64, 32]).To(device);
        if (!F.HasFusedAttention) throw new InvalidOperationException("no scaled_dot_product_attention in this libtorch");
        return RelativeError(F.ScaledDotProductAttention(q, k, v, isCausal: true), F.ManualAttention(q, k, v, isCausal: true));
    }

    private static double RmsNorm(Device device)
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Randn([8, 16, 384]).To(device);
        var w = Torch.Randn([384]).To(device);
        if (!F.HasRmsNormOp) throw new InvalidOperationException("no rms_norm op in this libtorch");
        var composed = x * (x.Square().Mean(-1, keepDim: true) + 1e-6).Rsqrt() * w;
        return RelativeError(F.RmsNorm(x, [384], w, 1e-6), composed);
    }
}
