namespace Dashboard.Torch.Tests;

/// <summary>
/// CausalAttention on a CPU runs its ATen reference (scaled_dot_product_attention, causal, with the given scale): here it
/// is held to the softmax written out by hand in float64 and its gradients to finite differences. The GPU check
/// (benchmarks/Families.Benchmarks/GpuChecks.cs) holds the kernel to the same reference.
/// </summary>
public class CausalAttentionTests
{
    [Fact]
    public void Each_query_attends_to_itself_and_earlier_keys_with_the_given_scale()
    {
        using var scope = Torch.NewDisposeScope();
        const int t = 5, d = 3;
        const double scale = 2.5;   // nGPT's √d, not 1/√d: the scale is taken as given
        var (q, k, v) = (GradCheck.Random(1, 2, t, d), GradCheck.Random(1, 2, t, d), GradCheck.Random(1, 2, t, d));
        var result = CausalAttention.Apply(Tensor.From(q.Data, q.Shape), Tensor.From(k.Data, k.Shape), Tensor.From(v.Data, v.Shape), scale)
            .ToArray<double>();
        for (var h = 0; h < 2; h++)
            for (var i = 0; i < t; i++)
            {
                double At(double[] x, int row, int c) => x[(h * t + row) * d + c];
                var logits = Enumerable.Range(0, i + 1).Select(j => scale * Enumerable.Range(0, d).Sum(c => At(q.Data, i, c) * At(k.Data, j, c))).ToArray();
                var top = logits.Max();
                var weights = logits.Select(l => Math.Exp(l - top)).ToArray();
                var total = weights.Sum();
                for (var c = 0; c < d; c++)
                {
                    var expected = Enumerable.Range(0, i + 1).Sum(j => weights[j] / total * At(v.Data, j, c));
                    result[(h * t + i) * d + c].Should().BeApproximately(expected, 1e-12, $"head {h}, query {i}, channel {c}");
                }
            }
    }

    [Fact]
    public void Gradients_match_finite_differences() =>
        GradCheck.Check(x => CausalAttention.Apply(x[0], x[1], x[2], 1.7), GradCheck.Random(2, 1, 4, 3), GradCheck.Random(2, 1, 4, 3),
            GradCheck.Random(2, 1, 4, 3));

    [Fact]
    public void The_cuda_kernels_compiled_for_the_cpu_match_float64_attention()
    {
        // native/attention_emulation.cpp runs attention_kernels.cu's kernels with each CUDA thread a std::thread
        // (native/cuda_emulation.h) at the seed's shape and at odd sizes, against the attention written out in double:
        // the kernels' indexing, masking and loop bounds checked where CI has no GPU.
        var output = NativeEmulation.Run("attention_emulation.cpp");
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(5, output);
    }

    [Fact]
    public void The_kernel_is_not_taken_for_cpu_tensors()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Randn([1, 1, 4, 8]);
        CausalAttention.KernelTakes(x, x, x).Should().BeFalse("CPU tensors run the reference");
    }
}
