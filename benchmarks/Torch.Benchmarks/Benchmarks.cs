using System.Diagnostics;
using Dashboard.Torch.NN;
using Dashboard.Torch.Optim;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Torch.Benchmarks;

/// <summary>
/// What reference.py measures in PyTorch, measured through the binding, row for row.
/// Per-op rows: wall time per op over a loop of tiny adds, synchronised at the end, each result
/// disposed as a Python result would be released. Training rows: one step of a 4-layer MLP.
/// </summary>
internal static class Benchmarks
{
    private const int Width = 512;
    private const int Batch = 64;

    public static IEnumerable<(string Name, Func<double> Measure)> Rows(Device device, bool quick)
    {
        var opIterations = quick ? 2_000 : 50_000;
        var stepIterations = quick ? 5 : 100;
        var a = Torch.Ones([16], device: device);
        var b = Torch.Ones([16], device: device);
        var generic = new Op("aten::add", "Tensor");

        yield return ("tiny add, operator (fast path)", () => PerCall(device, opIterations, () => { using var c = a + b; }));
        yield return ("tiny add, generic dispatcher call", () => PerCall(device, opIterations, () => { using var c = generic.Call(a, b); }));
        yield return ("tiny add, in dispose scope", () => PerCall(device, opIterations, () =>
        {
            using var scope = Torch.NewDisposeScope();
            _ = a + b;
        }));
        if (device.IsCuda)
            yield return ("tiny add, 100 per replayed CUDA graph (per add)", () => GraphedAdds(device, quick ? 20 : 500, a, b));
        yield return ("4-layer MLP train step, fp32", () => TrainStep(device, stepIterations, autocast: false));
        yield return ("4-layer MLP train step, bf16 autocast", () => TrainStep(device, stepIterations, autocast: true));
    }

    private static double PerCall(Device device, int iterations, Action body)
    {
        for (var i = 0; i < Math.Min(1000, iterations); i++) body();
        Sync(device);
        var best = double.MaxValue;
        for (var repeat = 0; repeat < 3; repeat++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < iterations; i++) body();
            Sync(device);
            best = Math.Min(best, watch.Elapsed.TotalMicroseconds / iterations);
        }
        return best;
    }

    /// <summary>
    /// The same adds captured once in a CUDA graph and replayed: what a static-shape training step pays
    /// per op when it is captured, since one launch then covers every kernel.
    /// </summary>
    private static double GraphedAdds(Device device, int replays, Tensor a, Tensor b)
    {
        const int addsPerGraph = 100;
        var outputs = new List<Tensor>(addsPerGraph);
        using var graph = new CudaGraph();
        using (var warm = a + b) Sync(device);
        graph.BeginCapture();
        for (var i = 0; i < addsPerGraph; i++) outputs.Add(a + b);
        graph.EndCapture();
        try
        {
            return PerCall(device, replays, graph.Replay) / addsPerGraph;
        }
        finally
        {
            foreach (var output in outputs) output.Dispose();
        }
    }

    private static double TrainStep(Device device, int iterations, bool autocast)
    {
        Torch.ManualSeed(0);
        using var model = new Sequential(
            new Linear(Width, Width), Activation.Relu(),
            new Linear(Width, Width), Activation.Relu(),
            new Linear(Width, Width), Activation.Relu(),
            new Linear(Width, Width));
        model.To(device);
        using var optimizer = new AdamW(model.Parameters(), 1e-3);
        using var x = Torch.Randn([Batch, Width], device: device);
        using var y = Torch.Randn([Batch, Width], device: device);
        var type = device.Type;

        void Step()
        {
            using var scope = Torch.NewDisposeScope();
            optimizer.ZeroGrad();
            Tensor loss;
            using (autocast ? Torch.Autocast(type, ScalarType.BFloat16) : null)
                loss = F.MseLoss(model.Forward(x), y);
            loss.Backward();
            optimizer.Step();
        }

        return PerCall(device, iterations, Step);
    }

    private static void Sync(Device device)
    {
        if (device.IsCuda) Cuda.Synchronize(device.Index);
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
