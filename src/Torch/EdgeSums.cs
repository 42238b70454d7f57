using Dashboard.Torch.Native;

namespace Dashboard.Torch;

/// <summary>
/// Sums over a node's edges in a graph given both as edge lists (sources, targets) and in compressed rows (offsets:
/// node i's edges are [offsets[i], offsets[i + 1]), sources sorted). The ATen reference computes every edge's term and
/// scatter-adds them into every node (atomics, all edges); the CUDA kernel (native/point_kernels.cu, where compiled in
/// and checked, <see cref="Fused"/>) sums the requested rows only, a warp per row, without atomics. Float32 on both;
/// each term is rounded alike, the sum's order differs (the reference's scatter order is not fixed either).
/// </summary>
public static class EdgeSums
{
    /// <summary>
    /// (M) float32: out[t] = Σ over node rows[t]'s edges e of values[targets[e]] / (distances[e] + softening).
    /// offsets int64 (nodes + 1); sources, targets int64 and distances float32 (edges); values float32 (nodes); rows int64.
    /// </summary>
    public static Tensor InverseDistance(Tensor offsets, Tensor sources, Tensor targets, Tensor distances, Tensor values, Tensor rows,
        double softening, bool useKernel = true)
    {
        if (useKernel && Fused.Usable(FusedKernel.InverseDistanceSums) && values.Device.IsCuda &&
            new[] { offsets, targets, distances, rows }.All(t => t.Device == values.Device) &&
            offsets.Dtype == ScalarType.Int64 && targets.Dtype == ScalarType.Int64 && rows.Dtype == ScalarType.Int64 &&
            distances.Dtype == ScalarType.Float32 && values.Dtype == ScalarType.Float32)
            return Tensor.Wrap(NativeMethods.dt_graph_inverse_distance_sums(offsets.Handle, targets.Handle, distances.Handle, values.Handle,
                rows.Handle, softening, out var result), result);
        return InverseDistanceReference(sources, targets, distances, values, rows, softening);
    }

    /// <summary>The ATen composition <see cref="InverseDistance"/> stands for.</summary>
    public static Tensor InverseDistanceReference(Tensor sources, Tensor targets, Tensor distances, Tensor values, Tensor rows, double softening)
    {
        using var scope = Torch.NewDisposeScope();
        var terms = values.IndexSelect(0, targets) / (distances + softening);                      // (E,)
        var perNode = Torch.ZerosLike(values).ScatterAdd(0, sources, terms);                       // (N,)
        return perNode.IndexSelect(0, rows).MoveToOuterScope();
    }
}
