using Dashboard.Torch.Optim;

namespace Dashboard.Torch.Tests;

/// <summary>
/// AdamW's step with nGPT's projection onto the unit sphere (<see cref="AdamW.StepProjecting"/>): on the CPU the step and
/// then the projection, held here to AdamW and the projection written out in float64; the CUDA kernel that does both in
/// one pass runs on the CPU (native/adamw_emulation.cpp) against the same definitions in double.
/// </summary>
public class AdamWProjectionTests
{
    private const double Lr = 3e-3, Beta1 = 0.9, Beta2 = 0.95, WeightDecay = 0.1, Eps = 1e-8;

    [Fact]
    public void The_kernel_steps_and_projects_rows_and_columns_as_written_out_in_double()
    {
        // Row- and column-wise matrices in one launch, odd sizes (partial blocks, rows shorter than a warp), the rate on
        // the device and as a value, with and without the deviation; the program fails on any error above 1e-5.
        var output = NativeEmulation.Run("adamw_emulation.cpp");
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(3, output);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Step_projecting_equals_adamw_then_the_projection_in_float64(bool capturable)
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(5);
        var rows = Torch.Randn([5, 7]).RequiresGrad_();      // each row a unit vector
        var columns = Torch.Randn([6, 4]).RequiresGrad_();   // each column a unit vector
        var alone = Torch.Randn([3]).RequiresGrad_();        // stepped, not projected
        var start = new[] { rows, columns, alone }.Select(p => p.ToArray<float>().Select(x => (double)x).ToArray()).ToArray();
        var m = start.Select(p => new double[p.Length]).ToArray();
        var v = start.Select(p => new double[p.Length]).ToArray();
        using var optimizer = new AdamW([new ParamGroup([rows, columns, alone], Lr, WeightDecay)], Beta1, Beta2, Eps, capturable: capturable);
        for (var t = 1; t <= 3; t++)
        {
            var grads = new[] { Torch.Randn([5, 7]), Torch.Randn([6, 4]), Torch.Randn([3]) };
            (rows.Grad, columns.Grad, alone.Grad) = (grads[0], grads[1], grads[2]);
            var deviation = optimizer.StepProjecting([(rows, 1), (columns, 0)]);

            var expectedDeviation = 0.0;
            for (var k = 0; k < 3; k++) AdamWStep(start[k], grads[k].ToArray<float>(), m[k], v[k], t);
            expectedDeviation += Project(start[0], 5, 7, byColumns: false) + Project(start[1], 6, 4, byColumns: true);

            deviation.Dtype.Should().Be(ScalarType.Float32);
            deviation.ToDouble().Should().BeApproximately(expectedDeviation, 1e-5 * Math.Max(1, expectedDeviation), $"step {t}");
            foreach (var (p, k) in new[] { (rows, 0), (columns, 1), (alone, 2) })
            {
                var actual = p.ToArray<float>();
                for (var i = 0; i < actual.Length; i++)
                    ((double)actual[i]).Should().BeApproximately(start[k][i], 1e-5, $"parameter {k}, element {i}, step {t}");
            }
        }
        for (var c = 0; c < 4; c++)
            Math.Sqrt(Enumerable.Range(0, 6).Sum(r => Math.Pow(columns.ToArray<float>()[r * 4 + c], 2))).Should().BeApproximately(1, 1e-6);
    }

    [Fact]
    public void A_bad_list_is_refused_before_anything_is_stepped()
    {
        using var scope = Torch.NewDisposeScope();
        var w = Torch.Randn([4, 4]).RequiresGrad_();
        w.Grad = Torch.Randn([4, 4]);
        using var optimizer = new AdamW([w], capturable: true);
        var before = w.ToArray<float>();
        FluentActions.Invoking(() => optimizer.StepProjecting([])).Should().Throw<ArgumentException>().WithMessage("*no matrices*");
        FluentActions.Invoking(() => optimizer.StepProjecting([(w, 2)])).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*dim*");
        FluentActions.Invoking(() => optimizer.StepProjecting([(Torch.Randn([4]), 0)])).Should().Throw<ArgumentException>().WithMessage("*matrix*");
        w.ToArray<float>().Should().Equal(before, "a refused list steps nothing");
        optimizer.StepProjecting([(w, -1)]).ToDouble().Should().BeGreaterThan(0);
        w.ToArray<float>().Should().NotEqual(before);
    }

    // PyTorch's AdamW in double: p·(1 − lr·wd), the moments, the bias-corrected update.
    private static void AdamWStep(double[] p, float[] g, double[] m, double[] v, int t)
    {
        for (var i = 0; i < p.Length; i++)
        {
            m[i] = Beta1 * m[i] + (1 - Beta1) * g[i];
            v[i] = Beta2 * v[i] + (1 - Beta2) * g[i] * (double)g[i];
            var denom = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(Beta2, t)) + Eps;
            p[i] = p[i] * (1 - Lr * WeightDecay) - Lr / (1 - Math.Pow(Beta1, t)) * m[i] / denom;
        }
    }

    // Each row (or column) of the (r, c) matrix p divided by its norm; returns Σ |‖v‖ − 1| before.
    private static double Project(double[] p, int r, int c, bool byColumns)
    {
        var deviation = 0.0;
        var (vectors, length) = byColumns ? (c, r) : (r, c);
        for (var u = 0; u < vectors; u++)
        {
            int Index(int e) => byColumns ? e * c + u : u * c + e;
            var norm = Math.Sqrt(Enumerable.Range(0, length).Sum(e => p[Index(e)] * p[Index(e)]));
            deviation += Math.Abs(norm - 1);
            for (var e = 0; e < length; e++) p[Index(e)] /= norm;
        }
        return deviation;
    }
}
