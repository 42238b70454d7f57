namespace Dashboard.Torch.Tests;

/// <summary>
/// TableRows on a CPU runs its ATen references: here they are held to their definitions and their gradients to finite
/// differences; the CUDA kernels' source runs on the CPU (native/rows_emulation.cpp) against the same definitions in
/// double. The GPU check (benchmarks/Families.Benchmarks/GpuChecks.cs) holds the kernels to the references on a GPU.
/// </summary>
public class TableRowsTests
{
    [Fact]
    public void Each_row_is_scaled_by_its_scale_times_k()
    {
        using var scope = Torch.NewDisposeScope();
        var w = Tensor.From(new double[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        var s = Tensor.From(new double[] { 0.5, -2 }, [2]);
        TableRows.Scaled(w, s, k: 3).ToArray<double>().Should().Equal(1.5, 3, 4.5, -24, -30, -36);
    }

    [Fact]
    public void Scaled_rows_gradients_match_finite_differences() =>
        GradCheck.Check(x => TableRows.Scaled(x[0], x[1], k: 1.7), GradCheck.Random(4, 3), GradCheck.Random(4));

    [Fact]
    public void An_embedding_looks_up_rows_and_sums_the_gradients_of_repeated_indices()
    {
        using var scope = Torch.NewDisposeScope();
        var weight = Tensor.From(new double[] { 1, 2, 3, 4, 5, 6 }, [3, 2]).RequiresGrad_();
        var indices = Tensor.From(new long[] { 2, 0, 2 }, [3]);
        var looked = TableRows.Embedding(weight, indices);
        looked.ToArray<double>().Should().Equal(5, 6, 1, 2, 5, 6);
        var grad = Autograd.Grad([(looked * Tensor.From(new double[] { 1, 10, 100, 1000, 10000, 100000 }, [3, 2])).Sum()], [weight])[0]!;
        grad.ToArray<double>().Should().Equal(100, 1000, 0, 0, 10001, 100010);
    }

    [Fact]
    public void The_cuda_kernels_compiled_for_the_cpu_match_their_definitions_in_float64()
    {
        var output = NativeEmulation.Run("rows_emulation.cpp");
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(10, output);
    }

    [Fact]
    public void The_kernels_are_not_taken_for_cpu_tensors()
    {
        using var scope = Torch.NewDisposeScope();
        var w = Torch.Randn([4, 3]);
        TableRows.KernelTakesScaled(w, Torch.Randn([4])).Should().BeFalse("CPU tensors run the reference");
        TableRows.KernelTakesEmbedding(w, Tensor.From(new long[] { 1 }, [1])).Should().BeFalse("CPU tensors run the reference");
    }
}
