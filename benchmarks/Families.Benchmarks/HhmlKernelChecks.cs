using System.Text.Json.Nodes;
using Dashboard.Torch;
using Dashboard.Worker.Experiments.Hhml;

namespace Dashboard.Families.Benchmarks;

using Torch = Dashboard.Torch.Torch;

/// <summary>
/// The point-cloud and graph kernels HHmL's cycle uses (PointCloud's radius sums and counts, EdgeSums' inverse-distance
/// row sums), each against its ATen reference on the h200-scaled strips (20,000 nodes, ~40M edges), checked on the GPU
/// by the hhml benchmark before its rows. A kernel that fails is refused for the rest of the run (Fused.Refuse), so the
/// rows time its reference.
/// </summary>
internal static class HhmlKernelChecks
{
    public const string Path = "hhml-kernels";

    public static IReadOnlyList<GpuCheck> Run(Device device)
    {
        Torch.ManualSeed(11);
        var config = HhmlConfig.From(new JsonObject { ["mode"] = "intended", ["strips"] = 10, ["nodes_per_strip"] = 2000, ["hidden"] = 8 });
        using var strips = new StripEnvironment(config, device);
        var kernels = new List<(FusedKernel Kernel, GpuCheck Check)>
        {
            (FusedKernel.RadiusSums, GpuChecks.Check($"radius sums kernel = ATen reference (4,000 centres × 20,000 points, r = {config.QualityRadius}, self left out; " +
                "float64 sums of [vortex, |ψ|, |ψ|², 1], as the vortex quality)", Path, 1e-12, () => Sums(strips, config.QualityRadius, 4000))),
            (FusedKernel.RadiusSums, GpuChecks.Check("radius sums kernel = ATen reference, every node a centre (20,000; the as-run field's case), r = 0.3",
                Path, 1e-12, () => Sums(strips, 0.3, strips.Nodes))),
            (FusedKernel.RadiusCounts, GpuChecks.Check("radius counts kernel = ATen reference, exactly (3,000 centres: three tiles, the last partial; r = 0.3)", Path, 0,
                () => Counts(strips, 0.3, 3000))),
            (FusedKernel.InverseDistanceSums, GpuChecks.Check("inverse-distance row sums kernel = ATen scatter-add reference (the wave propagation's Σ A/(d + 0.05), 10,000 of 20,000 rows)",
                Path, 1e-5, () => InverseDistance(strips))),
        };
        foreach (var (kernel, check) in kernels)
            if (!check.Passed) Fused.Refuse(kernel);
        return kernels.Select(k => k.Check.Passed ? k.Check : k.Check with { Name = k.Check.Name + " (kernel refused for the rest of the run)" }).ToList();
    }

    private static Tensor RandomNodes(StripEnvironment strips, long count) =>
        Torch.RandPerm(strips.Nodes, strips.Device).Narrow(0, 0, count);

    private static double Sums(StripEnvironment strips, double radius, long centres)
    {
        using var scope = Torch.NewDisposeScope();
        var magnitude = strips.Magnitude().To(ScalarType.Float64);
        var stats = Torch.Stack([magnitude.Lt(1.0).To(ScalarType.Float64), magnitude, magnitude.Square(), Torch.OnesLike(magnitude)], dim: 1);
        var at = strips.Positions.IndexSelect(0, RandomNodes(strips, centres));
        var kernel = PointCloud.SumsWithinRadius(strips.Positions, at, stats, radius, excludeSelf: true);
        var reference = PointCloud.SumsWithinRadiusReference(strips.Positions, at, stats, radius, excludeSelf: true);
        RequireNeighbours(reference.Select(1, 3).Sum().ToDouble());
        return GpuChecks.RelativeError(kernel, reference);
    }

    private static double Counts(StripEnvironment strips, double radius, long centres)
    {
        using var scope = Torch.NewDisposeScope();
        var at = strips.Positions.IndexSelect(0, RandomNodes(strips, centres));
        var kernel = PointCloud.CountsWithinRadius(strips.Positions, at, radius);
        var reference = PointCloud.CountsWithinRadiusReference(strips.Positions, at, radius);
        RequireNeighbours(reference.Sum().ToDouble());
        return GpuChecks.RelativeError(kernel, reference);
    }

    private static double InverseDistance(StripEnvironment strips)
    {
        using var scope = Torch.NewDisposeScope();
        var values = Torch.Rand([strips.Nodes], device: strips.Device) * 4.9 + 0.1;
        var rows = RandomNodes(strips, strips.Nodes / 2);
        var kernel = EdgeSums.InverseDistance(strips.EdgeOffsets, strips.EdgeSource, strips.EdgeTarget, strips.EdgeDistance, values, rows, 0.05);
        var reference = EdgeSums.InverseDistanceReference(strips.EdgeSource, strips.EdgeTarget, strips.EdgeDistance, values, rows, 0.05);
        return GpuChecks.RelativeError(kernel, reference);
    }

    // A check whose inputs find nothing within the radius would compare zeros with zeros.
    private static void RequireNeighbours(double total)
    {
        if (total <= 0) throw new InvalidOperationException("no point within the radius of any centre: the check compares nothing");
    }
}
