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

    /// <summary>Stored α of both signs and none near 0 (|·| has no derivative there to take differences of).</summary>
    private static (double[] Data, long[] Shape) StoredAlpha(int size)
    {
        var (data, shape) = GradCheck.Random(0.05, 0.4, size);
        for (var i = 0; i < size; i += 2) data[i] = -data[i];
        return (data, shape);
    }

    [Theory]
    [InlineData(5, false)]
    [InlineData(5, true)]
    [InlineData(1, true)]
    public void Normalized_residual_uses_alpha_as_the_multiplier_times_the_stored_one_or_its_magnitude(int alphaSize, bool absolute)
    {
        // nGPT's α = |stored · alpha_init/scaling|, as the block composed it before the op took the transform in.
        using var scope = Torch.NewDisposeScope();
        var (h, _) = GradCheck.Random(2, 3, 5);
        var (u, _) = GradCheck.Random(2, 3, 5);
        var (stored, _) = StoredAlpha(alphaSize);
        const double k = 2.5;

        var result = Fused.NormalizedResidual(Tensor.From(h, [2, 3, 5]), Tensor.From(u, [2, 3, 5]), Tensor.From(stored, [alphaSize]),
            multiplier: k, absolute: absolute);

        var used = stored.Select(s => absolute ? Math.Abs(k * s) : k * s).ToArray();
        result.ToArray<double>().Should().Equal(ByHand(h, u, used, 5), (x, y) => Math.Abs(x - y) < 1e-12);
    }

    [Theory]
    [InlineData(6, 2.5, true)]
    [InlineData(6, -0.7, true)]    // a negative multiplier: ∂|k·s|/∂s = k·sgn(k·s) = |k|·sgn(s)
    [InlineData(1, 2.5, true)]
    [InlineData(6, 3.0, false)]
    public void Normalized_residual_gradient_in_the_stored_alpha_matches_finite_differences(int alphaSize, double k, bool absolute) =>
        GradCheck.Check(x => Fused.NormalizedResidual(x[0], x[1], x[2], multiplier: k, absolute: absolute),
            GradCheck.Random(2, 3, 6), GradCheck.Random(2, 3, 6), StoredAlpha(alphaSize));

    [Fact]
    public void Normalized_residual_gradient_at_a_stored_alpha_of_zero_is_zero_as_atens_abs_gives()
    {
        // |·| has no derivative at 0; ATen's abs backward takes sgn(0) = 0, and the kernel is held to the same.
        using var scope = Torch.NewDisposeScope();
        var h = Torch.Randn([3, 4], ScalarType.Float64);
        var u = Torch.Randn([3, 4], ScalarType.Float64);
        var stored = Tensor.From(new[] { 0.0, 0.2, -0.3, 0.0 }, [4]).RequiresGrad_();

        Fused.NormalizedResidual(h, u, stored, multiplier: 2.0, absolute: true).Sum().Backward();

        var grad = stored.Grad!.ToArray<double>();
        grad[0].Should().Be(0);
        grad[3].Should().Be(0);
        grad[1].Should().NotBe(0);
    }

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
    public void Rotary_normalize_with_a_multiplier_scales_by_the_multiplier_times_the_stored_scale()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Randn([2, 3, 4, 6], ScalarType.Float64);
        var cos = Torch.Randn([5, 6], ScalarType.Float64);
        var sin = Torch.Randn([5, 6], ScalarType.Float64);
        var stored = Torch.Randn([1, 3, 1, 6], ScalarType.Float64);

        var result = Fused.RotaryNormalize(x, cos, sin, stored, multiplier: 19.6);

        result.AllClose(Fused.RotaryNormalize(x, cos, sin, stored * 19.6), 1e-12, 1e-12).Should().BeTrue();
    }

    [Fact]
    public void Rotary_normalize_gradient_in_the_stored_scale_matches_finite_differences()
    {
        using var scope = Torch.NewDisposeScope();
        var cos = Torch.Randn([6, 4], ScalarType.Float64);
        var sin = Torch.Randn([6, 4], ScalarType.Float64);
        GradCheck.Check(v => Fused.RotaryNormalize(v[0].Transpose(1, 2), cos, sin, v[1], multiplier: 4.5),
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
    [Fact]
    public void Unit_deviation_sums_how_far_each_row_or_column_is_from_unit_norm()
    {
        using var scope = Torch.NewDisposeScope();
        // Rows of norms 2, 0.5 and 1 (deviation 1 + 0.5 + 0); columns of norms 3 and 1 (deviation 2 + 0).
        var rows = Tensor.From(new double[] { 2, 0, 0, 0.3, 0.4, 0, 0, 0.6, 0.8 }, [3, 3]);
        var columns = Tensor.From(new double[] { 3, 0, 0, 1 }, [2, 2]);

        var sum = Fused.UnitDeviationSum([(rows, 1), (columns, 0)]);

        sum.Dtype.Should().Be(ScalarType.Float32);
        sum.ToDouble().Should().BeApproximately(3.5, 1e-6);
        rows.ToArray<double>()[0].Should().Be(2, "measuring moves nothing");
    }

    [Fact]
    public void A_projection_measuring_deviation_reports_the_norms_it_divided_out()
    {
        using var scope = Torch.NewDisposeScope();
        // The same weights as above: deviation 1 + 0.5 + 0 over the rows, 2 + 0 over the columns, measured before projecting.
        var rows = Tensor.From(new double[] { 2, 0, 0, 0.3, 0.4, 0, 0, 0.6, 0.8 }, [3, 3]);
        var columns = Tensor.From(new double[] { 3, 0, 0, 1 }, [2, 2]);

        var sum = Fused.ProjectToSphereMeasuringDeviation([(rows, 1), (columns, 0)]);

        sum.Dtype.Should().Be(ScalarType.Float32);
        sum.ToDouble().Should().BeApproximately(3.5, 1e-6);
        rows.ToArray<double>().Should().Equal([1, 0, 0, 0.6, 0.8, 0, 0, 0.6, 0.8]);
        columns.ToArray<double>().Should().Equal([1, 0, 0, 1]);
    }

    /// <summary>Mean cross entropy of h·Wᵀ in plain doubles, rows with target −100 left out.</summary>
    private static double CrossEntropyByHand(double[] h, double[] w, long[] targets, int c)
    {
        var total = 0.0;
        var counted = 0;
        var vocab = w.Length / c;
        for (var r = 0; r < targets.Length; r++)
        {
            if (targets[r] == -100) continue;
            var logits = Enumerable.Range(0, vocab).Select(v => Enumerable.Range(0, c).Sum(i => h[r * c + i] * w[v * c + i])).ToArray();
            var max = logits.Max();
            total += max + Math.Log(logits.Sum(x => Math.Exp(x - max))) - logits[targets[r]];
            counted++;
        }
        return total / counted;
    }

    [Fact]
    public void Linear_cross_entropy_is_the_mean_cross_entropy_of_the_head_logits_leaving_out_ignored_rows()
    {
        using var scope = Torch.NewDisposeScope();
        var (h, _) = GradCheck.Random(5, 4);
        var (w, _) = GradCheck.Random(7, 4);   // an odd vocabulary, as GPT-2's 50,257
        long[] targets = [3, -100, 0, 6, 3];

        var loss = Fused.LinearCrossEntropy(Tensor.From(h, [5, 4]), Tensor.From(w, [7, 4]), Tensor.From(targets, [5]));

        loss.Dim.Should().Be(0);
        loss.ToDouble().Should().BeApproximately(CrossEntropyByHand(h, w, targets, 4), 1e-12);
    }

    [Fact]
    public void Linear_cross_entropy_gradients_in_hidden_and_weight_match_finite_differences()
    {
        using var scope = Torch.NewDisposeScope();
        var targets = Tensor.From(new long[] { 1, 4, -100, 0 }, [4]);
        GradCheck.Check(v => Fused.LinearCrossEntropy(v[0], v[1], targets), GradCheck.Random(4, 3), GradCheck.Random(5, 3));
    }

    [Fact]
    public void Linear_cross_entropy_kernel_is_not_taken_for_cpu_tensors()
    {
        using var scope = Torch.NewDisposeScope();
        Fused.KernelTakesLinearCrossEntropy(Torch.Randn([4, 3]), Torch.Randn([5, 3]), Torch.Zeros([4], ScalarType.Int64)).Should().BeFalse();
    }
    [Fact]
    public void Scaled_swiglu_gates_the_scaled_first_half_with_the_silu_of_the_scaled_second()
    {
        using var scope = Torch.NewDisposeScope();
        var (uv, _) = GradCheck.Random(2, 3, 8);
        var (scale, _) = GradCheck.Random(0.5, 2.0, 8);

        var result = Fused.ScaledSwiGlu(Tensor.From(uv, [2, 3, 8]), Tensor.From(scale, [8]));

        result.Shape.Should().Equal(2, 3, 4);
        var actual = result.ToArray<double>();
        for (var r = 0; r < 6; r++)
            for (var j = 0; j < 4; j++)
            {
                var a = uv[r * 8 + j] * scale[j];
                var b = uv[r * 8 + 4 + j] * scale[4 + j];
                actual[r * 4 + j].Should().BeApproximately(a * b / (1 + Math.Exp(-b)), 1e-12);
            }
    }

    [Fact]
    public void Scaled_swiglu_gradients_in_uv_and_scale_match_finite_differences() =>
        GradCheck.Check(v => Fused.ScaledSwiGlu(v[0], v[1]), GradCheck.Random(3, 2, 6), GradCheck.Random(0.5, 2.0, 6));

    [Fact]
    public void Scaled_swiglu_with_a_multiplier_scales_the_halves_by_the_multiplier_times_the_stored_scale()
    {
        using var scope = Torch.NewDisposeScope();
        var (uv, _) = GradCheck.Random(2, 3, 8);
        var (stored, _) = GradCheck.Random(0.05, 0.2, 8);
        const double k = 5.5;

        var result = Fused.ScaledSwiGlu(Tensor.From(uv, [2, 3, 8]), Tensor.From(stored, [8]), multiplier: k);

        var actual = result.ToArray<double>();
        for (var r = 0; r < 6; r++)
            for (var j = 0; j < 4; j++)
            {
                var a = uv[r * 8 + j] * k * stored[j];
                var b = uv[r * 8 + 4 + j] * k * stored[4 + j];
                actual[r * 4 + j].Should().BeApproximately(a * b / (1 + Math.Exp(-b)), 1e-12);
            }
    }

    [Fact]
    public void Scaled_swiglu_gradient_in_the_stored_scale_matches_finite_differences() =>
        GradCheck.Check(v => Fused.ScaledSwiGlu(v[0], v[1], multiplier: 5.5), GradCheck.Random(3, 2, 6), GradCheck.Random(0.05, 0.3, 6));
    [Fact]
    public void Sum_of_partials_sums_over_the_outer_and_inner_dimensions()
    {
        using var scope = Torch.NewDisposeScope();
        var values = Enumerable.Range(0, 2 * 3 * 4 * 5).Select(i => (double)(i * i % 17)).ToArray();
        var x = Tensor.From(values, [2, 3, 4, 5]);
        var sums = Fused.SumOfPartials(x).ToArray<double>();
        for (var m = 0; m < 3; m++)
            for (var c = 0; c < 5; c++)
            {
                double expected = 0;
                for (var a = 0; a < 2; a++)
                    for (var p = 0; p < 4; p++) expected += values[((a * 3 + m) * 4 + p) * 5 + c];
                sums[m * 5 + c].Should().Be(expected);
            }
        Fused.KernelTakesSumOfPartials(x.To(ScalarType.Float32)).Should().BeFalse("CPU tensors take ATen's sum");
        FluentActions.Invoking(() => Fused.SumOfPartials(Tensor.From(values, [120]))).Should().Throw<ArgumentException>().WithMessage("*4 dimensions*");
    }

    [Fact]
    public void Kernels_held_back_from_the_workers_are_named()
    {
        // A kernel enters the workers' default path in the commit that records its passed GPU check and a step at least
        // as fast with it (docs/benchmarks.md): the short-sequence attention is not yet timed in a CUDA graph, the
        // embedding's gradient is slower than ATen's on the product's byte tokens (tenth session); AdamW's step with the
        // projection has run only in its CPU emulation (eleventh session).
        Fused.HeldBack.Should().BeEquivalentTo([FusedKernel.CausalAttention, FusedKernel.EmbeddingGradient, FusedKernel.AdamWProjection]);
        Enum.GetValues<FusedKernel>().Should().HaveCount(14, "a new kernel is added to HeldBack until its GPU check has run");
    }
}
