namespace Dashboard.Torch.Tests;

/// <summary>
/// The fused operations' public API against arithmetic written out here: values by hand in float64, gradients against
/// finite differences. On a CPU (CI) the API runs the ATen reference, which is what the GPU check
/// (benchmarks/Families.Benchmarks/GpuChecks.cs) then holds the CUDA kernels to.
/// </summary>
public class FusedTests
{
    private static double[] Unit(double[] v)
    {
        var norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    /// <summary>Norm(Norm(h) + α(Norm(u) − Norm(h))) row by row, in plain doubles.</summary>
    private static double[] ByHand(double[] h, double[] u, double[] alpha, int cols)
    {
        var result = new double[h.Length];
        for (var row = 0; row < h.Length / cols; row++)
        {
            var a = Unit(h.AsSpan(row * cols, cols).ToArray());
            var b = Unit(u.AsSpan(row * cols, cols).ToArray());
            var m = Unit(Enumerable.Range(0, cols).Select(c => a[c] + alpha[alpha.Length == 1 ? 0 : c] * (b[c] - a[c])).ToArray());
            m.CopyTo(result, row * cols);
        }
        return result;
    }

    [Theory]
    [InlineData(5)]   // α per channel
    [InlineData(1)]   // one α
    public void Normalized_residual_is_the_interpolation_between_unit_vectors_put_back_on_the_sphere(int alphaSize)
    {
        using var scope = Torch.NewDisposeScope();
        var (h, _) = GradCheck.Random(2, 3, 5);
        var (u, _) = GradCheck.Random(2, 3, 5);
        var (alpha, _) = GradCheck.Random(0.0, 1.0, alphaSize);

        var result = Fused.NormalizedResidual(Tensor.From(h, [2, 3, 5]), Tensor.From(u, [2, 3, 5]), Tensor.From(alpha, [alphaSize]));

        result.Shape.Should().Equal(2, 3, 5);
        result.Dtype.Should().Be(ScalarType.Float64);
        var expected = ByHand(h, u, alpha, 5);
        result.ToArray<double>().Should().Equal(expected, (x, y) => Math.Abs(x - y) < 1e-12);
    }

    [Fact]
    public void Normalized_residual_with_alpha_zero_keeps_h_and_with_alpha_one_takes_u()
    {
        using var scope = Torch.NewDisposeScope();
        var h = Torch.Randn([4, 6], ScalarType.Float64);
        var u = Torch.Randn([4, 6], ScalarType.Float64);
        var unitH = h / h.Norm(-1, keepDim: true);
        var unitU = u / u.Norm(-1, keepDim: true);

        Fused.NormalizedResidual(h, u, Torch.Zeros([6], ScalarType.Float64)).AllClose(unitH, 1e-12, 1e-12).Should().BeTrue();
        Fused.NormalizedResidual(h, u, Torch.Ones([1], ScalarType.Float64)).AllClose(unitU, 1e-12, 1e-12).Should().BeTrue();
    }

    [Theory]
    [InlineData(6)]
    [InlineData(1)]
    public void Normalized_residual_gradients_in_h_u_and_alpha_match_finite_differences(int alphaSize) =>
        GradCheck.Check(x => Fused.NormalizedResidual(x[0], x[1], x[2]),
            GradCheck.Random(2, 3, 6), GradCheck.Random(2, 3, 6), GradCheck.Random(0.05, 0.95, alphaSize));

    [Fact]
    public void Normalized_residual_takes_the_promoted_dtype_as_the_composed_ops_do()
    {
        // nGPT under bf16 autocast: h in float32, the block's suggestion in bfloat16, α a float32 parameter.
        using var scope = Torch.NewDisposeScope();
        var h = Torch.Randn([8, 16]);
        var u = Torch.Randn([8, 16]).To(ScalarType.BFloat16);
        var alpha = Torch.Full([16], 0.3);

        var result = Fused.NormalizedResidual(h, u, alpha);

        result.Dtype.Should().Be(ScalarType.Float32);
        var exact = Fused.NormalizedResidual(h.To(ScalarType.Float64), u.To(ScalarType.Float64), alpha.To(ScalarType.Float64));
        result.To(ScalarType.Float64).AllClose(exact, rtol: 1e-2, atol: 1e-2).Should().BeTrue();
    }

    [Fact]
    public void The_kernel_is_never_taken_for_cpu_tensors()
    {
        using var scope = Torch.NewDisposeScope();
        var h = Torch.Randn([4, 8]);
        Fused.KernelTakes(h, Torch.Randn([4, 8]), Torch.Ones([8])).Should().BeFalse();
        Fused.KernelTakesRotary(Torch.Randn([1, 2, 3, 4]), Torch.Ones([3, 4]), Torch.Ones([3, 4]), Torch.Ones([2, 4])).Should().BeFalse();
        if (!Torch.HasCudaBuild) Fused.IsCompiledIn.Should().BeFalse("the kernels need a CUDA libtorch");
    }

    [Fact]
    public void Rotary_normalize_rotates_each_half_pair_normalises_and_scales()
    {
        using var scope = Torch.NewDisposeScope();
        const int b = 2, heads = 3, time = 4, d = 6, half = d / 2;
        var (xData, _) = GradCheck.Random(b, time, heads, d);
        var (cosData, _) = GradCheck.Random(5, d);
        var (sinData, _) = GradCheck.Random(5, d);
        var (scaleData, _) = GradCheck.Random(heads, d);
        // x as the model has it: the (B, H, T, d) transposed view of a (B, T, H, d) projection.
        var x = Tensor.From(xData, [b, time, heads, d]).Transpose(1, 2);

        var result = Fused.RotaryNormalize(x, Tensor.From(cosData, [5, d]), Tensor.From(sinData, [5, d]),
            Tensor.From(scaleData, [heads, d]).View(1, heads, 1, d));

        result.Shape.Should().Equal(b, heads, time, d);
        var actual = result.Contiguous().ToArray<double>();
        for (var i = 0; i < b; i++)
            for (var h = 0; h < heads; h++)
                for (var t = 0; t < time; t++)
                {
                    double X(int c) => xData[((i * time + t) * heads + h) * d + c];
                    var r = Enumerable.Range(0, d).Select(c =>
                        X(c) * cosData[t * d + c] + (c < half ? -X(c + half) : X(c - half)) * sinData[t * d + c]).ToArray();
                    var unit = Unit(r);
                    for (var c = 0; c < d; c++)
                        actual[((i * heads + h) * time + t) * d + c].Should().BeApproximately(scaleData[h * d + c] * unit[c], 1e-12);
                }
    }

    [Fact]
    public void Rotary_normalize_gradients_in_x_and_scale_match_finite_differences()
    {
        using var scope = Torch.NewDisposeScope();
        var cos = Torch.Randn([6, 4], ScalarType.Float64);
        var sin = Torch.Randn([6, 4], ScalarType.Float64);
        GradCheck.Check(v => Fused.RotaryNormalize(v[0].Transpose(1, 2), cos, sin, v[1]),
            GradCheck.Random(2, 5, 3, 4), GradCheck.Random(1, 3, 1, 4));
    }

    [Fact]
    public void Projection_puts_each_row_or_column_on_the_unit_sphere_in_place()
    {
        using var scope = Torch.NewDisposeScope();
        var (rowData, _) = GradCheck.Random(7, 5);
        var (columnData, _) = GradCheck.Random(5, 9);
        var rows = Tensor.From(rowData, [7, 5]);
        var columns = Tensor.From(columnData, [5, 9]);
        var last = Torch.Randn([4, 3], ScalarType.Float64);
        var lastBefore = last.Clone();

        Fused.ProjectToSphere([(rows, 1), (columns, 0), (last, -1)]);

        var expectedRows = Enumerable.Range(0, 7).SelectMany(r => Unit(rowData.AsSpan(r * 5, 5).ToArray())).ToArray();
        rows.ToArray<double>().Should().Equal(expectedRows, (x, y) => Math.Abs(x - y) < 1e-12);
        var expectedColumns = new double[45];
        for (var c = 0; c < 9; c++)
        {
            var unit = Unit(Enumerable.Range(0, 5).Select(r => columnData[r * 9 + c]).ToArray());
            for (var r = 0; r < 5; r++) expectedColumns[r * 9 + c] = unit[r];
        }
        columns.ToArray<double>().Should().Equal(expectedColumns, (x, y) => Math.Abs(x - y) < 1e-12);
        last.AllClose(lastBefore / lastBefore.Norm(-1, keepDim: true), 1e-12, 1e-12).Should().BeTrue();
    }

    [Fact]
    public void Projection_of_parameters_leaves_their_autograd_state_alone()
    {
        using var scope = Torch.NewDisposeScope();
        var w = Torch.Randn([6, 4]).RequiresGrad_();
        Fused.ProjectToSphere([(w, 1)]);
        w.RequiresGrad.Should().BeTrue();
        w.IsLeaf.Should().BeTrue();
        w.Norm(1).AllClose(Torch.Ones([6]), 1e-6, 1e-6).Should().BeTrue();
    }

    [Fact]
    public void Projection_refuses_what_is_not_a_matrix()
    {
        using var v = Torch.Randn([5]);
        var act = () => Fused.ProjectToSphere([(v, 0)]);
        act.Should().Throw<ArgumentException>().WithMessage("*matrix*");
        using var m = Torch.Randn([2, 2]);
        var badDim = () => Fused.ProjectToSphere([(m, 2)]);
        badDim.Should().Throw<ArgumentOutOfRangeException>();
    }
}
