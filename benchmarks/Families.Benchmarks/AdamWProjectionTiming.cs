using Dashboard.Torch;
using Dashboard.Torch.Optim;
using static System.FormattableString;

namespace Dashboard.Families.Benchmarks;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// nGPT's optimizer step alone at the seed's shape, float32: a capturable AdamW over the unit matrices and their
/// projection onto the sphere, as the kernel that does both in one pass (<see cref="AdamW.StepProjecting"/>) against the
/// workers' path before it (libtorch's fused AdamW, then the projection kernel). Timed by <see cref="GraphTimer"/>. The
/// floor: AdamW reads p, g, m, v and writes p, m, v, 28 bytes an element; the projection adds nothing to it when p is
/// divided before it leaves the chip.
/// </summary>
internal static class AdamWProjectionTiming
{
    public static void Print(Device device, Shape shape)
    {
        var matrices = shape.UnitMatrixShapes();
        var elements = matrices.Sum(s => s.Rows * s.Cols);
        var floorUs = elements * 28.0 / 3.35e12 * 1e6;
        Console.WriteLine(Invariant($"AdamW step + projection alone, fp32, nGPT's {matrices.Count} matrices ({elements:N0} elements), µs per step (floor: {elements * 28.0 / 1e9:F2} GB, {floorUs:F0} µs at 3.35 TB/s)"));
        Console.WriteLine();
        Console.WriteLine("| Path | µs per step | × floor | How timed |");
        Console.WriteLine("|---|---:|---:|---|");
        var times = new[] { true, false }.Select(kernel => Row(device, shape, kernel, floorUs)).ToArray();
        Console.WriteLine();
        if (times is [{ } k, { } r] && k >= r)
        {
            Fused.Refuse(FusedKernel.AdamWProjection);
            Console.WriteLine("Not faster here, refused for the nGPT rows: AdamW's step with the projection.\n");
        }
    }

    private static double? Row(Device device, Shape shape, bool kernel, double floorUs)
    {
        var path = kernel ? "one pass (AdamW.StepProjecting's kernel)" : "libtorch's fused AdamW, then the projection kernel";
        try
        {
            using var scope = Torch.NewDisposeScope();
            Torch.ManualSeed(7);
            var weights = shape.UnitMatrixShapes()
                .Select(s => (Weight: (Torch.Randn([s.Rows, s.Cols]) * 0.06).To(device).RequiresGrad_(), s.Dim)).ToList();
            foreach (var (w, _) in weights) w.Grad = Torch.RandnLike(w);
            var group = new ParamGroup(weights.Select(m => m.Weight), 1e-3, 0.1) { LearningRateTensor = Torch.Full([], 1e-3, ScalarType.Float32, device) };
            using var optimizer = new AdamW([group], beta2: 0.95, capturable: true);
            if (kernel && !optimizer.ProjectsWithKernel(weights)) throw new InvalidOperationException("not taken here (not compiled in, or refused by its GPU check)");
            var (us, how) = GraphTimer.PerCall(device, () =>
            {
                using var inner = Torch.NewDisposeScope();
                if (kernel) optimizer.StepProjecting(weights);
                else
                {
                    optimizer.Step();
                    Fused.ProjectToSphereMeasuringDeviation(weights);
                }
            });
            Console.WriteLine(Invariant($"| {path} | {us:F1} | {us / floorUs:F2} | {how} |"));
            return us;
        }
        catch (Exception e) when (e is TorchException or InvalidOperationException)
        {
            Console.WriteLine($"| {path} | – | | {e.Message.Split('\n')[0]} |");
            return null;
        }
    }
}
