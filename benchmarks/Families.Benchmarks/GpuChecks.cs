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
    public const string FusedKernelsPath = "fused-kernels";
    public const string FusedTrainingPath = "fused-training";

    public static IReadOnlyList<GpuCheck> Run(Device device, Shape shape)
    {
        var checks = KernelChecks(device);
        checks.AddRange(
        [
            Check("CUDA-graph nGPT step = eager step (loss and parameters after 6 steps)", GraphPath, 1e-4, () => GraphEqualsEager(device, shape)),
            Check("chunked head + cross entropy = plain head (eager nGPT, loss and parameters after 6 steps)", ChunkedHeadPath, 1e-4,
                () => ChunkedEqualsPlain(device, shape)),
            Check("capturable AdamW on the device = AdamW with host step counts", "capturable-adamw", 1e-5,
                () => AdamWPaths(device, new AdamWOptions(true, false), new AdamWOptions(false, false))),
            Check("fused AdamW (_fused_adamw_) = multi-tensor capturable AdamW", FusedAdamWPath, 1e-5,
                () => AdamWPaths(device, new AdamWOptions(true, true), new AdamWOptions(true, false))),
            Check("fused AdamW = multi-tensor capturable AdamW, float64 parameters (SympScale's; the kernel reads its step counts as float32)",
                FusedAdamWPath, 1e-12, () => AdamWPaths(device, new AdamWOptions(true, true), new AdamWOptions(true, false), ScalarType.Float64)),
            Check("bf16 autocast matmul = fp32 matmul (bf16 operands)", "autocast", 1e-2, () => Autocast(device)),
            Check("fused attention (scaled_dot_product_attention) = composed attention", "attention", 1e-4, () => Attention(device)),
            Check("rms_norm op = composed x·rsqrt(mean x² + ε)·w", "rms-norm", 1e-5, () => RmsNorm(device)),
            Check("nGPT training with the fused kernels that passed = without (eager, loss and parameters after 6 steps)", FusedTrainingPath, 1e-4,
                () => TrainedAlike(device, shape, fused => new Paths(false, false, fused))),
        ]);
        // DT_BENCH_CHECKS=ngpt: nGPT's checks only (a short lease), without the other families'.
        if (Environment.GetEnvironmentVariable("DT_BENCH_CHECKS") == "ngpt") return checks;
        checks.AddRange(LstmChecks.Run(device));    // the LSTM's flat cuDNN weights (HHmL's agent)
        checks.AddRange(GraphChecks.Run(device));   // every family's graphed step, and the fallback on a failed capture
        return checks;
    }

    /// <summary>
    /// The kernels, each against its ATen reference run in float64 on the same values (so the error is the kernel's
    /// alone; bf16 tolerances cover bf16-stored gradients). A kernel that fails is refused for the rest of the run
    /// (Fused.Refuse), so the checks and rows after it use its reference and one bad kernel costs only itself.
    /// </summary>
    public static List<GpuCheck> KernelChecks(Device device)
    {
        // First, and refused at once if it fails: the residual's, rotary's and SwiGLU's backwards below sum their
        // parameter partials with it, so their checks then measure their own kernels with ATen's sum.
        var partialSums = Check("sum of the kernels' parameter partials = ATen sum in float64 (the seed shape's residual 256 × 384, rotary 8 × 6 × 8 × 64, SwiGLU 16 × 3,072; odd: 3 × 2 × 77 × 33, 3 × 1)",
            FusedKernelsPath, 1e-5, () => new[]
            {
                SumOfPartialsError(device, [1, 1, 256, 384]), SumOfPartialsError(device, [8, 6, 8, 64]), SumOfPartialsError(device, [1, 1, 16, 3072]),
                SumOfPartialsError(device, [3, 2, 77, 33]), SumOfPartialsError(device, [1, 1, 3, 1]),
            }.Max());
        if (!partialSums.Passed) Fused.Refuse(FusedKernel.PartialSums);
        var kernels = new List<(FusedKernel Kernel, GpuCheck Check)>
        {
            (FusedKernel.PartialSums, partialSums),
            (FusedKernel.NormalizedResidual, Check("fused normalized residual = ATen reference, fp32 (values and gradients)", FusedKernelsPath, 1e-5,
                () => FusedResidual(device, ScalarType.Float32, ScalarType.Float32, 384))),
            (FusedKernel.NormalizedResidual, Check("fused normalized residual = ATen reference, h fp32 + u bf16 as under autocast, scalar α", FusedKernelsPath, 1e-2,
                () => FusedResidual(device, ScalarType.Float32, ScalarType.BFloat16, 1))),
            (FusedKernel.NormalizedResidual, Check("fused normalized residual = ATen reference, bf16 (values and gradients)", FusedKernelsPath, 1e-2,
                () => FusedResidual(device, ScalarType.BFloat16, ScalarType.BFloat16, 384))),
            (FusedKernel.NormalizedResidual, Check("fused normalized residual, α = |k·stored| in the kernel (k = 2.5, stored α of both signs and 0) = ATen reference, fp32 (values, ∂h, ∂u, ∂stored α)", FusedKernelsPath, 1e-5,
                () => FusedResidual(device, ScalarType.Float32, ScalarType.Float32, 384, AlphaAsNGpt))),
            (FusedKernel.NormalizedResidual, Check("fused normalized residual, α = |k·stored| in the kernel, h fp32 + u bf16 as under autocast, scalar stored α < 0", FusedKernelsPath, 1e-2,
                () => FusedResidual(device, ScalarType.Float32, ScalarType.BFloat16, 1, AlphaAsNGpt))),
            (FusedKernel.NormalizedResidual, Check("fused normalized residual, α = k·stored (no |·|, k = −1.5) = ATen reference, fp32", FusedKernelsPath, 1e-5,
                () => FusedResidual(device, ScalarType.Float32, ScalarType.Float32, 384, new AlphaTransform(-1.5, Absolute: false)))),
            (FusedKernel.NormalizedResidual, Check("fused normalized residual, rows past a whole block (1,005 rows × 384; partial ∂α of the last block), fp32, |k·stored| α", FusedKernelsPath, 1e-5,
                () => FusedResidual(device, ScalarType.Float32, ScalarType.Float32, 384, AlphaAsNGpt, [5, 201, 384]))),
            (FusedKernel.NormalizedResidual, Check("fused normalized residual, rows wider than the registers take (700 columns: the looping kernel), fp32", FusedKernelsPath, 1e-5,
                () => FusedResidual(device, ScalarType.Float32, ScalarType.Float32, 700, AlphaAsNGpt, [3, 50, 700]))),
            (FusedKernel.RotaryNormalize, Check("fused rotary + q/k normalisation = ATen reference, fp32 (values, ∂x, ∂s_qk)", FusedKernelsPath, 1e-5,
                () => FusedRotary(device, ScalarType.Float32))),
            (FusedKernel.RotaryNormalize, Check("fused rotary + q/k normalisation, T = 100 (a partial block of time steps), d = 128 (two pairs a lane), 3 heads, fp32", FusedKernelsPath, 1e-5,
                () => FusedRotary(device, ScalarType.Float32, 1.7, (3, 3, 100, 128)))),
            (FusedKernel.RotaryNormalize, Check("fused rotary + q/k normalisation, ∂L/∂out transposed (read through its strides, as attention's backward gives it), fp32", FusedKernelsPath, 1e-5,
                () => FusedRotary(device, ScalarType.Float32, Math.Sqrt(384), transposedGradient: true))),
            (FusedKernel.RotaryNormalize, Check("fused rotary + q/k normalisation, d = 160 (past the paired kernel: the per-row one), fp32", FusedKernelsPath, 1e-5,
                () => FusedRotary(device, ScalarType.Float32, 1.7, (2, 2, 40, 160)))),
            (FusedKernel.RotaryNormalize, Check("fused rotary + q/k normalisation = ATen reference, bf16 q as under autocast", FusedKernelsPath, 1e-2,
                () => FusedRotary(device, ScalarType.BFloat16))),
            (FusedKernel.RotaryNormalize, Check("fused rotary + q/k normalisation, scale = √384·stored s_qk in the kernel = ATen reference, fp32 (values, ∂x, ∂stored s_qk)", FusedKernelsPath, 1e-5,
                () => FusedRotary(device, ScalarType.Float32, Math.Sqrt(384)))),
            (FusedKernel.RotaryNormalize, Check("fused rotary + q/k normalisation, scale = √384·stored s_qk in the kernel, bf16 q as under autocast", FusedKernelsPath, 1e-2,
                () => FusedRotary(device, ScalarType.BFloat16, Math.Sqrt(384)))),
            (FusedKernel.Projection, Check("fused projection onto the sphere = ATen reference (nGPT's 50 matrices + 20 odd ones, fp32)", FusedKernelsPath, 1e-6,
                () => FusedProjection(device, ScalarType.Float32))),
            (FusedKernel.Projection, Check("fused projection onto the sphere = ATen reference (bf16)", FusedKernelsPath, 1e-2,
                () => FusedProjection(device, ScalarType.BFloat16))),
            (FusedKernel.UnitDeviation, Check("fused weight-norm deviation = ATen reference (nGPT's 50 matrices, fp32; the kernel sums ~17,500 partial sums atomically in fp32)", FusedKernelsPath, 1e-4,
                () => FusedDeviation(device))),
            (FusedKernel.Projection, Check("fused projection measuring its deviation in the same launch = ATen measure, then project, in float64 (deviation and weights)",
                FusedKernelsPath, 1e-4, () => FusedProjectionMeasuringDeviation(device))),
            (FusedKernel.ScaledSwiGlu, Check("fused scaled SwiGLU = ATen reference, fp32 (values, ∂uv, ∂s)", FusedKernelsPath, 1e-5,
                () => FusedSwiGlu(device, ScalarType.Float32))),
            (FusedKernel.ScaledSwiGlu, Check("fused scaled SwiGLU = ATen reference, bf16 uv as under autocast", FusedKernelsPath, 1e-2,
                () => FusedSwiGlu(device, ScalarType.BFloat16))),
            (FusedKernel.ScaledSwiGlu, Check("fused scaled SwiGLU, s = √384·stored s_uv in the kernel = ATen reference, fp32 (values, ∂uv, ∂stored s_uv)", FusedKernelsPath, 1e-5,
                () => FusedSwiGlu(device, ScalarType.Float32, Math.Sqrt(384)))),
            (FusedKernel.ScaledSwiGlu, Check("fused scaled SwiGLU, s = √384·stored s_uv in the kernel, bf16 uv as under autocast", FusedKernelsPath, 1e-2,
                () => FusedSwiGlu(device, ScalarType.BFloat16, Math.Sqrt(384)))),
            (FusedKernel.LinearCrossEntropy, Check("fused head + cross entropy = ATen reference in float64, fp32 (loss, ∂h, ∂W; vocab 50,257, one row ignored)", FusedKernelsPath, 1e-5,
                () => FusedLinearCrossEntropy(device, autocast: false))),
            (FusedKernel.LinearCrossEntropy, Check("fused head + cross entropy = ATen reference under bf16 autocast (loss, ∂h, ∂W)", FusedKernelsPath, 1e-2,
                () => FusedLinearCrossEntropy(device, autocast: true))),
            (FusedKernel.CausalAttention, Check("fused causal attention = ATen reference in float64, fp32 at the seed's shape (16 × 8 heads, T 128, d 48; v a slice of the q/k/v product; out, ∂q, ∂k, ∂v)", FusedKernelsPath, 1e-5,
                () => FusedCausalAttention(device, 16, 8, 128, 48))),
            (FusedKernel.CausalAttention, Check("fused causal attention = ATen reference in float64, fp32, odd sizes (3 × 5 heads, T 37, d 20; T 1; T 128, d 64)", FusedKernelsPath, 1e-5,
                () => new[] { FusedCausalAttention(device, 3, 5, 37, 20), FusedCausalAttention(device, 2, 3, 1, 8), FusedCausalAttention(device, 2, 2, 128, 64) }.Max())),
            (FusedKernel.ScaledRows, Check("scaled head rows w ⊙ (k·s) = ATen reference in float64, fp32 (50,257 × 384, k = √384; out, ∂w, ∂s)", FusedKernelsPath, 1e-5,
                () => ScaledRowsError(device, 50257, 384))),
            (FusedKernel.ScaledRows, Check("scaled head rows, odd sizes (1,001 × 45: a column at a time; 3 × 1)", FusedKernelsPath, 1e-5,
                () => Math.Max(ScaledRowsError(device, 1001, 45), ScaledRowsError(device, 3, 1)))),
            (FusedKernel.EmbeddingGradient, Check("embedding gradient = ATen reference in float64, fp32 (vocab 50,257 × 384, 16 × 128 tokens, a fifth of them one repeated token)", FusedKernelsPath, 1e-5,
                () => EmbeddingError(device, 50257, 384, [16, 128]))),
            (FusedKernel.EmbeddingGradient, Check("embedding gradient, odd sizes (1,000 × 45 with 5,000 tokens; 70 × 8 with 1 token; 300 × 16 with 131,073 tokens: ATen's own gradient past the kernel's limit)", FusedKernelsPath, 1e-5,
                () => new[] { EmbeddingError(device, 1000, 45, [5000]), EmbeddingError(device, 70, 8, [1]), EmbeddingError(device, 300, 16, [131073]) }.Max())),
            (FusedKernel.EmbeddingGradient, Check("embedding gradient, the product's tokens (ids < 256 of 50,257 × 384: 64 × 1,024 tokens in four blocks of rows, their lists in chunks)", FusedKernelsPath, 1e-5,
                () => EmbeddingError(device, 50257, 384, [64, 1024], ids: 256))),
            (FusedKernel.AdamWProjection, Check("AdamW's step with the projection in one pass = AdamW, then the projection, in float64 (nGPT's 50 matrices + 3 odd ones in two groups, one rate on the device, 3 steps; weights and deviation)", FusedKernelsPath, 1e-5,
                () => AdamWProjectionError(device))),
            // A float32 row of 60,000 (240 KB) is longer than a block's shared memory: the passes without the row cache.
            (FusedKernel.LinearCrossEntropy, Check("fused head + cross entropy = ATen reference in float64, fp32, vocab 60,000 (rows past the shared-memory cache)", FusedKernelsPath, 1e-5,
                () => FusedLinearCrossEntropy(device, autocast: false, vocab: 60000, rows: 256))),
        };
        foreach (var (kernel, check) in kernels)
            if (!check.Passed) Fused.Refuse(kernel);
        return kernels.Select(k => k.Check with
        {
            Name = k.Check.Passed ? k.Check.Name : k.Check.Name + " (kernel refused for the rest of the run)",
        }).ToList();
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

    internal static double RelativeError(Tensor actual, Tensor expected) => RelativeError(actual, expected, 1e-30);

    /// <summary>‖actual − expected‖ / max(‖expected‖, floor).</summary>
    internal static double RelativeError(Tensor actual, Tensor expected, double floor)
    {
        using var scope = Torch.NewDisposeScope();
        var a = actual.To(ScalarType.Float64);
        var e = expected.To(ScalarType.Float64);
        return (a - e).Norm().ToDouble() / Math.Max(e.Norm().ToDouble(), floor);
    }

    private static double GraphEqualsEager(Device device, Shape shape) =>
        TrainedAlike(device, shape, graph => new Paths(graph, true, FamilyBenchmarks.UseFusedKernels));

    private static double ChunkedEqualsPlain(Device device, Shape shape) =>
        TrainedAlike(device, shape, chunked => new Paths(false, chunked, FamilyBenchmarks.UseFusedKernels));

    private sealed record Paths(bool Graph, bool Chunked, bool Fused);

    /// <summary>Relative difference between two trainings that differ in one path (false: the reference, true: the fast one).</summary>
    private static double TrainedAlike(Device device, Shape shape, Func<bool, Paths> paths)
    {
        (double Loss, Tensor Parameters) Train(bool fast)
        {
            var (graph, chunked, fused) = paths(fast);
            var config = FamilyBenchmarks.NGptConfigFor(shape, bf16: false) with { FusedKernels = fused };
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

    private static double AdamWPaths(Device device, AdamWOptions fast, AdamWOptions reference, ScalarType dtype = ScalarType.Float32)
    {
        Tensor Run(AdamWOptions options)
        {
            Torch.ManualSeed(2);
            using var scope = Torch.NewDisposeScope();
            var parameters = new[] { Torch.Randn([64, 48], dtype), Torch.Randn([48], dtype), Torch.Randn([7, 3, 5], dtype) }
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

    /// <summary>α as the residual op derives it from the stored parameter: k·stored, or |k·stored|.</summary>
    private sealed record AlphaTransform(double Multiplier, bool Absolute);

    /// <summary>nGPT's: |stored · alpha_init/scaling| (a multiplier ≠ 1 here, so that a kernel ignoring it fails).</summary>
    private static readonly AlphaTransform AlphaAsNGpt = new(2.5, Absolute: true);

    private static double FusedResidual(Device device, ScalarType hType, ScalarType uType, long alphaSize, AlphaTransform? transform = null,
        long[]? shape = null)
    {
        shape ??= [16, 128, 384];
        if (!Fused.IsCompiledIn) throw new InvalidOperationException("the shim was built without the fused kernels");
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(3);
        // The nGPT stream at the seed's shape: 2,048 tokens × 384, unit-ish h, a larger suggestion, α ∈ [0, 0.5). With
        // a transform, the stored α has both signs (|k·stored| < 0.5) and, where it is a vector, an exact 0 (∂ = 0 there).
        var h = Torch.Randn(shape).To(device).To(hType);
        var u = (Torch.Randn(shape) * 3).To(device).To(uType);
        var k = transform?.Multiplier ?? 1.0;
        var alpha = transform is null
            ? (Torch.Rand([alphaSize]) * 0.5).To(device)
            : ((Torch.Rand([alphaSize]) - (alphaSize == 1 ? 1.0 : 0.5)) * (0.5 / Math.Abs(k))).To(device);
        if (transform is not null && alphaSize > 1) alpha.Narrow(0, 0, 1).Fill_(0);
        var weight = Torch.Randn(shape).To(device);
        (Tensor Out, Tensor[] Grads) Run(bool kernel, ScalarType? exact)
        {
            var hi = (exact is { } e ? h.To(e) : h.Detach()).RequiresGrad_();
            var ui = (exact is { } e2 ? u.To(e2) : u.Detach()).RequiresGrad_();
            var ai = (exact is { } e3 ? alpha.To(e3) : alpha.Detach()).RequiresGrad_();
            if (kernel && !Fused.KernelTakes(hi, ui, ai)) throw new InvalidOperationException("the kernel does not take these tensors");
            var result = Fused.NormalizedResidual(hi, ui, ai, useKernel: kernel, multiplier: k, absolute: transform?.Absolute ?? false);
            var grads = Autograd.Grad([(result.To(ScalarType.Float64) * weight.To(ScalarType.Float64)).Sum()], [hi, ui, ai]);
            return (result.Detach(), grads.Select(g => g!).ToArray());
        }
        var (fast, fastGrads) = Run(kernel: true, exact: null);
        var (reference, referenceGrads) = Run(kernel: false, exact: ScalarType.Float64);
        if (fast.Dtype != Fused.NormalizedResidualReference(h, u, alpha).Dtype) throw new InvalidOperationException($"the kernel gave {fast.Dtype}");
        return new[] { RelativeError(fast, reference) }.Concat(fastGrads.Zip(referenceGrads, RelativeError)).Max();
    }

    private static double FusedRotary(Device device, ScalarType dtype, double multiplier = 1, (int Batch, int Heads, int Time, int Dim)? shape = null,
        bool transposedGradient = false)
    {
        var (b, nh, t, d) = shape ?? (16, 8, 128, 48);
        if (!Fused.IsCompiledIn) throw new InvalidOperationException("the shim was built without the fused kernels");
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(5);
        // k as nGPT has it at the seed's shape: the (B, nh, T, d) view of the middle third of a (B, T, 3·nh·d) q/k/v
        // projection (read where it lies, with gaps); the model's tables.
        var x = Torch.Randn([b, t, 3 * nh * d]).To(device).To(dtype).Narrow(-1, nh * d, nh * d).View(b, t, nh, d).Transpose(1, 2);
        var rotary = new RotaryEmbedding(d, t);
        rotary.To(device);
        var cos = rotary.NamedBuffers().Single(b => b.Name == "cos").Buffer;
        var sin = rotary.NamedBuffers().Single(b => b.Name == "sin").Buffer;
        var scale = ((Torch.Rand([1, nh, 1, d]) + 0.5) / multiplier).To(device);     // stored; used times the multiplier
        var weight = Torch.Randn([b, nh, t, d]).To(device).To(ScalarType.Float64);
        (Tensor Out, Tensor[] Grads) Run(bool kernel)
        {
            var xi = (kernel ? x.Detach() : x.To(ScalarType.Float64)).RequiresGrad_();
            var si = (kernel ? scale.Detach() : scale.To(ScalarType.Float64)).RequiresGrad_();
            if (kernel && !Fused.KernelTakesRotary(xi, cos, sin, si)) throw new InvalidOperationException("the kernel does not take these tensors");
            var result = Fused.RotaryNormalize(xi, kernel ? cos : cos.To(ScalarType.Float64), kernel ? sin : sin.To(ScalarType.Float64), si,
                useKernel: kernel, multiplier: multiplier);
            // Transposed, ∂L/∂result comes back as a (B, H, T, d) view of a (B, T, H, d) tensor, as attention's backward gives it.
            var loss = transposedGradient
                ? (result.Transpose(1, 2).To(ScalarType.Float64) * weight.Transpose(1, 2).Contiguous()).Sum()
                : (result.To(ScalarType.Float64) * weight).Sum();
            var grads = Autograd.Grad([loss], [xi, si]);
            return (result.Detach(), grads.Select(g => g!).ToArray());
        }
        var (fast, fastGrads) = Run(kernel: true);
        var (reference, referenceGrads) = Run(kernel: false);
        return new[] { RelativeError(fast, reference) }.Concat(fastGrads.Zip(referenceGrads, RelativeError)).Max();
    }

    private static double FusedProjection(Device device, ScalarType dtype)
    {
        if (!Fused.IsCompiledIn) throw new InvalidOperationException("the shim was built without the fused kernels");
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(4);
        // nGPT's unit matrices at the seed's shape and odd shapes past one launch's 64 matrices.
        var weights = NGptUnitMatrices(device, dtype);
        for (var i = 0; i < 20; i++) weights.Add(((Torch.Randn([1 + 7 * i, 3 + 11 * i]) * 0.3).To(device).To(dtype), i % 2));
        var reference = weights.Select(w => (w.Item1.To(ScalarType.Float64), w.Dim)).ToList();
        Fused.ProjectToSphere(weights);
        Fused.ProjectToSphereReference(reference);
        return weights.Zip(reference, (w, r) => RelativeError(w.Item1, r.Item1)).Max();
    }

    // nGPT's unit matrices at the seed's shape, random, near the norms training leaves them at.
    private static List<(Tensor Weight, int Dim)> NGptUnitMatrices(Device device, ScalarType dtype) =>
        Shape.Seed.UnitMatrixShapes().Select(s => ((Torch.Randn([s.Rows, s.Cols]) * 0.06).To(device).To(dtype), s.Dim)).ToList();

    private static double FusedSwiGlu(Device device, ScalarType dtype, double multiplier = 1)
    {
        if (!Fused.IsCompiledIn) throw new InvalidOperationException("the shim was built without the fused kernels");
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(8);
        // W_uv h at the seed's shape (2,048 tokens, 2F = 3,072), s_uv √C around √384.
        var uv = Torch.Randn([16, 128, 3072]).To(device).To(dtype);
        var scale = ((Torch.Rand([3072]) * 20 + 5) / multiplier).To(device);          // stored; used times the multiplier
        var weight = Torch.Randn([16, 128, 1536]).To(device).To(ScalarType.Float64);
        (Tensor Out, Tensor[] Grads) Run(bool kernel)
        {
            var u = (kernel ? uv.Detach() : uv.To(ScalarType.Float64)).RequiresGrad_();
            var sc = (kernel ? scale.Detach() : scale.To(ScalarType.Float64)).RequiresGrad_();
            if (kernel && !Fused.KernelTakesSwiGlu(u, sc)) throw new InvalidOperationException("the kernel does not take these tensors");
            var result = Fused.ScaledSwiGlu(u, sc, useKernel: kernel, multiplier: multiplier);
            var grads = Autograd.Grad([(result.To(ScalarType.Float64) * weight).Sum()], [u, sc]);
            return (result.Detach(), grads.Select(g => g!).ToArray());
        }
        var (fast, fastGrads) = Run(kernel: true);
        var (reference, referenceGrads) = Run(kernel: false);
        return new[] { RelativeError(fast, reference) }.Concat(fastGrads.Zip(referenceGrads, RelativeError)).Max();
    }

    private static double SumOfPartialsError(Device device, long[] shape)
    {
        if (!Fused.IsCompiledIn) throw new InvalidOperationException("the shim was built without the fused kernels");
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(14);
        var x = Torch.Randn(shape).To(device);
        if (!Fused.KernelTakesSumOfPartials(x)) throw new InvalidOperationException("the kernel does not take this tensor");
        var fast = Fused.SumOfPartials(x);
        return RelativeError(fast, x.To(ScalarType.Float64).Sum([0, 2]));
    }

    private static double ScaledRowsError(Device device, long rows, long cols)
    {
        if (!Fused.IsCompiledIn) throw new InvalidOperationException("the shim was built without the fused kernels");
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(12);
        var k = Math.Sqrt(384);
        var w0 = Torch.Randn([rows, cols]).To(device);
        var s0 = (Torch.Randn([rows]) / k).To(device);                                     // both signs, some near 0
        var weight = Torch.Randn([rows, cols]).To(device).To(ScalarType.Float64);
        (Tensor Out, Tensor[] Grads) Run(bool kernel)
        {
            var dtype = kernel ? ScalarType.Float32 : ScalarType.Float64;
            var w = w0.To(dtype).Detach().RequiresGrad_();
            var s = s0.To(dtype).Detach().RequiresGrad_();
            if (kernel && !TableRows.KernelTakesScaled(w, s)) throw new InvalidOperationException("the kernel does not take these tensors");
            var result = TableRows.Scaled(w, s, k, useKernel: kernel);
            var grads = Autograd.Grad([(result.To(ScalarType.Float64) * weight).Sum()], [w, s]);
            return (result.Detach(), grads.Select(g => g!).ToArray());
        }
        var (fast, fastGrads) = Run(kernel: true);
        var (reference, referenceGrads) = Run(kernel: false);
        return new[] { RelativeError(fast, reference) }.Concat(fastGrads.Zip(referenceGrads, RelativeError)).Max();
    }

    private static double EmbeddingError(Device device, long rows, long cols, long[] tokenShape, long? ids = null)
    {
        if (!Fused.IsCompiledIn) throw new InvalidOperationException("the shim was built without the fused kernels");
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(13);
        var count = tokenShape.Aggregate(1L, (a, b) => a * b);
        // Tokens drawn from the whole vocabulary (or its first ids), a fifth of them one token (a row summed from hundreds of rows).
        var drawn = ids ?? rows;
        var tokens = Torch.RandInt(0, drawn, tokenShape);
        var repeated = Torch.Rand(tokenShape).Lt(0.2);
        tokens = Torch.Where(repeated, Torch.Full(tokenShape, drawn / 2, ScalarType.Int64), tokens).To(device);
        var w0 = Torch.Randn([rows, cols]).To(device);
        var weight = Torch.Randn([.. tokenShape, cols]).To(device).To(ScalarType.Float64);
        (Tensor Out, Tensor Grad) Run(bool kernel)
        {
            var w = (kernel ? w0 : w0.To(ScalarType.Float64)).Detach().RequiresGrad_();
            if (kernel && !TableRows.KernelTakesEmbedding(w, tokens)) throw new InvalidOperationException("the kernel does not take these tensors");
            var result = TableRows.Embedding(w, tokens, useKernel: kernel);
            var grads = Autograd.Grad([(result.To(ScalarType.Float64) * weight).Sum()], [w]);
            return (result.Detach(), grads[0]!);
        }
        var (fast, fastGrad) = Run(kernel: true);
        var (reference, referenceGrad) = Run(kernel: false);
        return Math.Max(RelativeError(fast, reference), RelativeError(fastGrad, referenceGrad));
    }

    private static double FusedCausalAttention(Device device, int batch, int heads, int time, int dim) =>
        CausalAttentionErrors(device, batch, heads, time, dim).Max();

    /// <summary>The kernel against ATen in float64: relative errors of out, ∂q, ∂k and ∂(q/k/v product), in that order.</summary>
    internal static double[] CausalAttentionErrors(Device device, int batch, int heads, int time, int dim)
    {
        if (!Fused.IsCompiledIn) throw new InvalidOperationException("the shim was built without the fused kernels");
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(11);
        long c = heads * dim;
        // As in nGPT: q and k unit rows times s_qk ≈ 1.5, scale √d (scores up to ±16); v a slice of the (B, T, 3C) product.
        Tensor UnitRows(long[] shape) { var x = Torch.Randn(shape); return x / x.Norm(-1, keepDim: true) * 1.5; }
        var q0 = UnitRows([batch, heads, time, dim]).To(device);
        var k0 = UnitRows([batch, heads, time, dim]).To(device);
        var qkv0 = Torch.Randn([batch, time, 3 * c]).To(device);
        var weight = Torch.Randn([batch, time, heads, dim]).To(device).To(ScalarType.Float64).Transpose(1, 2);
        var scale = Math.Sqrt(dim);
        (Tensor Out, Tensor[] Grads) Run(bool kernel)
        {
            var dtype = kernel ? ScalarType.Float32 : ScalarType.Float64;
            var q = q0.To(dtype).Detach().RequiresGrad_();
            var k = k0.To(dtype).Detach().RequiresGrad_();
            var qkv = qkv0.To(dtype).Detach().RequiresGrad_();
            var v = qkv.Narrow(2, 2 * c, c).View(batch, time, heads, dim).Transpose(1, 2);
            if (kernel && !CausalAttention.KernelTakes(q, k, v)) throw new InvalidOperationException("the kernel does not take these tensors");
            var result = CausalAttention.Apply(q, k, v, scale, useKernel: kernel);
            var grads = Autograd.Grad([(result.To(ScalarType.Float64) * weight).Sum()], [q, k, qkv]);
            return (result.Detach(), grads.Select(g => g!).ToArray());
        }
        var (fast, fastGrads) = Run(kernel: true);
        var (reference, referenceGrads) = Run(kernel: false);
        // ∂q and ∂k are exactly 0 at T = 1 (a softmax over one score is constant), where float32 leaves the rounding of
        // ∂out·v − D (~1e-6): the gradients are measured against at least a tenth of ∂out's norm, not their own zero.
        var floor = 0.1 * weight.Norm().ToDouble();
        return new[] { RelativeError(fast, reference) }
            .Concat(fastGrads.Zip(referenceGrads, (a, e) => RelativeError(a, e, floor))).ToArray();
    }

    private static double FusedDeviation(Device device)
    {
        if (!Fused.IsCompiledIn) throw new InvalidOperationException("the shim was built without the fused kernels");
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(6);
        var weights = NGptUnitMatrices(device, ScalarType.Float32);
        var exact = weights.Select(w => (w.Weight.To(ScalarType.Float64), w.Dim)).ToList();
        return RelativeError(Fused.UnitDeviationSum(weights), Fused.UnitDeviationSumReference(exact));
    }

    /// <summary>The projection that measures its deviation in the same launch = the reference's measure, then project (fp32 against float64).</summary>
    private static double FusedProjectionMeasuringDeviation(Device device)
    {
        if (!Fused.IsCompiledIn) throw new InvalidOperationException("the shim was built without the fused kernels");
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(6);
        var weights = NGptUnitMatrices(device, ScalarType.Float32);
        var exact = weights.Select(w => (Weight: w.Weight.To(ScalarType.Float64), w.Dim)).ToList();
        var deviation = Fused.ProjectToSphereMeasuringDeviation(weights);
        var expected = Fused.UnitDeviationSumReference(exact);
        Fused.ProjectToSphereReference(exact);
        return new[] { RelativeError(deviation, expected) }
            .Concat(weights.Zip(exact, (w, e) => RelativeError(w.Weight, e.Weight))).Max();
    }

    /// <summary>
    /// The fused AdamW step with the projection (float32, the rate a device tensor) against AdamW and the projection on
    /// float64 copies, after each of three steps with the same gradients: the largest relative error of a matrix or of
    /// the deviation. Throws where the kernel would not run, so that a reference is never checked against itself.
    /// </summary>
    private static double AdamWProjectionError(Device device)
    {
        if (!Fused.IsCompiledIn) throw new InvalidOperationException("the shim was built without the fused kernels");
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(9);
        var odd = new (long Rows, long Cols, int Dim)[] { (1001, 45, 1), (7, 33, 0), (3, 1, 1) };
        var unit32 = NGptUnitMatrices(device, ScalarType.Float32)
            .Concat(odd.Select(o => (Weight: Torch.Randn([o.Rows, o.Cols]).To(device), o.Dim)))
            .Select(m => (Weight: m.Weight.Detach().RequiresGrad_(), m.Dim)).ToList();
        var unit64 = unit32.Select(m => (Weight: m.Weight.Detach().To(ScalarType.Float64).RequiresGrad_(), m.Dim)).ToList();
        // Two groups, as ngpt-seed's: embeddings and head at a rate on the device, the rest at another rate and decay.
        ParamGroup[] Groups(IEnumerable<Tensor> weights, bool rateOnDevice)
        {
            var list = weights.ToList();
            return
            [
                new ParamGroup(list.Take(2), 3e-3, 0.1) { LearningRateTensor = rateOnDevice ? Torch.Full([], 3e-3, ScalarType.Float32, device) : null },
                new ParamGroup(list.Skip(2), 1e-3, 0.0),
            ];
        }
        using var fused = new AdamW(Groups(unit32.Select(m => m.Weight), rateOnDevice: true), beta2: 0.95, capturable: true);
        using var reference = new AdamW(Groups(unit64.Select(m => m.Weight), rateOnDevice: false), beta2: 0.95, capturable: true);
        var error = 0.0;
        for (var step = 0; step < 3; step++)
        {
            foreach (var (m32, m64) in unit32.Zip(unit64))
            {
                var g = Torch.RandnLike(m32.Weight);
                m32.Weight.Grad = g;
                m64.Weight.Grad = g.To(ScalarType.Float64);
            }
            if (!fused.ProjectsWithKernel(unit32)) throw new InvalidOperationException("AdamW would not step these matrices with the kernel");
            var deviation = fused.StepProjecting(unit32);
            var expected = reference.StepProjecting(unit64, useKernel: false);
            error = unit32.Zip(unit64, (a, b) => RelativeError(a.Weight, b.Weight)).Append(RelativeError(deviation, expected)).Append(error).Max();
        }
        return error;
    }

    private static double FusedLinearCrossEntropy(Device device, bool autocast, int vocab = 50257, int rows = 2048)
    {
        if (!Fused.IsCompiledIn) throw new InvalidOperationException("the shim was built without the fused kernels");
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(7);
        // The nGPT head at the seed's shape: unit hidden states, unit rows scaled by s_z ≈ 20 (cosine logits in ±20).
        var hidden = Torch.Randn([rows, 384]);
        hidden = (hidden / hidden.Norm(-1, keepDim: true)).To(device);
        var weight = Torch.Randn([vocab, 384]);
        weight = (weight / weight.Norm(-1, keepDim: true) * 20).To(device);
        var targets = Torch.RandInt(0, vocab, [rows]);
        targets.Narrow(0, 5, 1).Fill_(-100);
        targets = targets.To(device);
        (Tensor Loss, Tensor[] Grads) Run(bool kernel, ScalarType? exact)
        {
            var h = (exact is { } e ? hidden.To(e) : hidden.Detach()).RequiresGrad_();
            var w = (exact is { } e2 ? weight.To(e2) : weight.Detach()).RequiresGrad_();
            Tensor loss;
            using (autocast ? Torch.Autocast(DeviceType.Cuda, ScalarType.BFloat16) : null)
            {
                if (kernel && !Fused.KernelTakesLinearCrossEntropy(h, w, targets)) throw new InvalidOperationException("the kernel does not take these tensors");
                loss = Fused.LinearCrossEntropy(h, w, targets, useKernel: kernel);
            }
            var grads = Autograd.Grad([loss], [h, w]);
            return (loss.Detach(), grads.Select(g => g!).ToArray());
        }
        var (fast, fastGrads) = Run(kernel: true, exact: null);
        var (reference, referenceGrads) = Run(kernel: false, exact: autocast ? null : ScalarType.Float64);
        return new[] { RelativeError(fast, reference) }.Concat(fastGrads.Zip(referenceGrads, RelativeError)).Max();
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
