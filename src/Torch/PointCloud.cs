using Dashboard.Torch.Native;

namespace Dashboard.Torch;

/// <summary>
/// Radius queries over a point cloud: for each centre, which points lie strictly within a radius of it. The ATen
/// reference forms the (centres × points) squared distances in row blocks of <see cref="TileElements"/>; the CUDA
/// kernel (native/point_kernels.cu, where compiled in and checked, <see cref="Fused"/>) forms each distance where it
/// compares it and writes only the result. Distances come from coordinate differences (no cancellation), each step
/// rounded to float32 in the same order on both paths, so a point is within the radius on one exactly when it is on the
/// other; only the float64 sums' order differs.
/// </summary>
public static class PointCloud
{
    /// <summary>Elements of one block of the reference's (centres × points) tiles.</summary>
    public const long TileElements = 1L << 24;

    /// <summary>
    /// (B, k) float64: for each centre, the sum of <paramref name="stats"/> rows (N, k ≤ 8, float64) over the points
    /// strictly within <paramref name="radius"/>, the points at distance 0 left out when <paramref name="excludeSelf"/>.
    /// positions (N, 3), centres (B, 3) float32.
    /// </summary>
    public static Tensor SumsWithinRadius(Tensor positions, Tensor centres, Tensor stats, double radius, bool excludeSelf, bool useKernel = true)
    {
        if (useKernel && KernelTakes(FusedKernel.RadiusSums, positions, centres) && stats.Device == positions.Device &&
            stats.Dtype == ScalarType.Float64 && stats.Dim == 2 && stats.Size(1) is >= 1 and <= 8 && stats.Size(0) == positions.Size(0))
            return Tensor.Wrap(NativeMethods.dt_points_radius_sums(positions.Handle, centres.Handle, stats.Handle, radius * radius,
                excludeSelf ? 1 : 0, out var result), result);
        return SumsWithinRadiusReference(positions, centres, stats, radius, excludeSelf);
    }

    /// <summary>The ATen composition <see cref="SumsWithinRadius"/> stands for: a float64 matrix product per block.</summary>
    public static Tensor SumsWithinRadiusReference(Tensor positions, Tensor centres, Tensor stats, double radius, bool excludeSelf)
    {
        using var scope = Torch.NewDisposeScope();
        var b = centres.Size(0);
        var sums = Torch.Zeros([b, stats.Size(1)], ScalarType.Float64, positions.Device);
        var rows = BlockRows(positions);
        for (long start = 0; start < b; start += rows)
        {
            using var block = Torch.NewDisposeScope();
            var count = Math.Min(rows, b - start);
            var near = Within(positions, centres.Narrow(0, start, count), radius, excludeSelf);
            sums.Narrow(0, start, count).CopyFrom(near.To(ScalarType.Float64).MatMul(stats));           // (count, k)
        }
        return sums.MoveToOuterScope();
    }

    /// <summary>(N) int64: for each point, how many of the centres it lies strictly within <paramref name="radius"/> of.</summary>
    public static Tensor CountsWithinRadius(Tensor positions, Tensor centres, double radius, bool useKernel = true)
    {
        if (useKernel && KernelTakes(FusedKernel.RadiusCounts, positions, centres))
            return Tensor.Wrap(NativeMethods.dt_points_radius_counts(positions.Handle, centres.Handle, radius * radius, out var result), result);
        return CountsWithinRadiusReference(positions, centres, radius);
    }

    /// <summary>The ATen composition <see cref="CountsWithinRadius"/> stands for.</summary>
    public static Tensor CountsWithinRadiusReference(Tensor positions, Tensor centres, double radius)
    {
        using var scope = Torch.NewDisposeScope();
        var counts = Torch.Zeros([positions.Size(0)], ScalarType.Int64, positions.Device);
        var rows = BlockRows(positions);
        for (long start = 0; start < centres.Size(0); start += rows)
        {
            using var block = Torch.NewDisposeScope();
            counts.Add_(Within(positions, centres.Narrow(0, start, Math.Min(rows, centres.Size(0) - start)), radius, excludeSelf: false).Sum(0));
        }
        return counts.MoveToOuterScope();
    }

    /// <summary>
    /// (B, N) booleans: point j strictly within <paramref name="radius"/> of centre b, leaving out j at distance 0 when
    /// <paramref name="excludeSelf"/>. d² = ((Δx² + Δy²) + Δz²) with Δ = centre − point, in float32, compared with r²
    /// rounded to float32.
    /// </summary>
    public static Tensor Within(Tensor positions, Tensor centres, double radius, bool excludeSelf)
    {
        using var scope = Torch.NewDisposeScope();
        Tensor? squared = null;
        for (var c = 0; c < 3; c++)
        {
            var d = centres.Select(1, c).Unsqueeze(1) - positions.Select(1, c).Unsqueeze(0);              // (B, N)
            squared = squared is null ? d.Square() : squared.Add_(d.Square());
        }
        var near = squared!.Lt(radius * radius);
        if (excludeSelf) near = near.LogicalAnd(squared.Gt(0.0));
        return near.MoveToOuterScope();
    }

    private static long BlockRows(Tensor positions) => Math.Max(1, TileElements / Math.Max(1, positions.Size(0)));

    private static bool KernelTakes(FusedKernel kernel, Tensor positions, Tensor centres) =>
        Fused.Usable(kernel) && positions.Device.IsCuda && centres.Device == positions.Device &&
        positions.Dtype == ScalarType.Float32 && centres.Dtype == ScalarType.Float32 &&
        positions.Dim == 2 && positions.Size(1) == 3 && centres.Dim == 2 && centres.Size(1) == 3;
}
