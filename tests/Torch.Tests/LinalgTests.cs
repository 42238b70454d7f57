using System.Text.Json.Nodes;
using static Dashboard.Torch.Tests.PyTorchOracle;

namespace Dashboard.Torch.Tests;

/// <summary>softplus, tril_indices and the linalg wrappers: values against closed forms and PyTorch, gradients against finite differences.</summary>
public class LinalgTests
{
    public LinalgTests() => Torch.ManualSeed(5);

    [Fact]
    public void Softplus_is_log_one_plus_exp_and_has_the_logistic_as_derivative()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From(new[] { -30.0, -1.0, 0.0, 2.0, 25.0 });
        var y = x.Softplus().ToArray<double>();
        var expected = new[] { Math.Exp(-30) - Math.Exp(-60) / 2, Math.Log(1 + Math.Exp(-1)), Math.Log(2), Math.Log(1 + Math.Exp(2)), 25.0 };
        for (var i = 0; i < y.Length; i++) y[i].Should().BeApproximately(expected[i], 1e-14 + 1e-14 * expected[i]);
        GradCheck.Check(xs => xs[0].Softplus(), GradCheck.Random(-3.0, 3.0, 7));
        GradCheck.Check(xs => xs[0].Softplus(beta: 2.5), GradCheck.Random(-3.0, 3.0, 7));
    }

    [Fact]
    public void Tril_indices_are_in_row_major_order()
    {
        using var scope = Torch.NewDisposeScope();
        var idx = Torch.TrilIndices(3, 3);
        idx.Shape.Should().Equal(2, 6);
        idx.ToArray<long>().Should().Equal(0, 1, 1, 2, 2, 2, /* cols */ 0, 0, 1, 0, 1, 2);
    }

    [Fact]
    public void Svdvals_and_the_spectral_norm_match_PyTorch_and_are_differentiable()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.Randn([5, 4], ScalarType.Float64);
        var s = Linalg.Svdvals(a);
        var n2 = Linalg.MatrixNorm(a, 2);
        var result = Run("""
            a = T(inp["a"])
            out = {"s": J(torch.linalg.svdvals(a)), "n2": J(torch.linalg.matrix_norm(a, 2)), "nm2": J(torch.linalg.matrix_norm(a, -2))}
            """, new JsonObject { ["a"] = ToJson(a) });
        ShouldMatch(s, result["s"]!, rtol: 1e-12);
        ShouldMatch(n2, result["n2"]!, rtol: 1e-12);
        ShouldMatch(Linalg.MatrixNorm(a, -2), result["nm2"]!, rtol: 1e-12);
        n2.ToDouble().Should().Be(s.ToArray<double>()[0]);
        GradCheck.Check(xs => Linalg.MatrixNorm(xs[0], 2), GradCheck.Random(4, 3));
        GradCheck.Check(xs => xs[0] / Linalg.Svdvals(xs[0]).Max(), GradCheck.Random(3, 3));
    }

    [Fact]
    public void Svd_has_the_closed_form_of_a_2x2_matrix()
    {
        using var scope = Torch.NewDisposeScope();
        // A = [[3, 0], [4, 5]]: AᵀA = [[25, 20], [20, 25]] has eigenvalues 45 and 5 (eigenvectors (1, 1)/√2 and
        // (1, −1)/√2), so σ = 3√5, √5; v₁ = ±(1, 1)/√2 and u₁ = A v₁ / σ₁ = ±(1, 3)/√10.
        var (u, s, vh) = Linalg.Svd(Tensor.From(new[] { 3.0, 0, 4, 5 }, [2, 2]));
        s.ToArray<double>().Should().Equal([3 * Math.Sqrt(5), Math.Sqrt(5)], (a, b) => Math.Abs(a - b) <= 1e-14 * b);
        var v1 = vh.Select(0, 0).ToArray<double>();
        var u1 = u.Select(1, 0).ToArray<double>();
        var sign = Math.Sign(v1[0]);
        Math.Sign(u1[0]).Should().Be(sign, "a singular pair flips its sign as one");
        v1.Should().Equal([sign / Math.Sqrt(2), sign / Math.Sqrt(2)], (a, b) => Math.Abs(a - b) <= 1e-15);
        u1.Should().Equal([sign / Math.Sqrt(10), 3 * sign / Math.Sqrt(10)], (a, b) => Math.Abs(a - b) <= 1e-15);
    }

    [Theory]
    [InlineData(7, 4)]
    [InlineData(4, 7)]
    [InlineData(1, 6)]   // a row vector (SympScale's output layer): σ = ‖w‖
    public void Svd_reconstructs_the_matrix_from_orthonormal_factors_in_float64(int m, int n)
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.Randn([3, m, n], ScalarType.Float64);   // a batch of three
        var (u, s, vh) = Linalg.Svd(a);
        var k = Math.Min(m, n);
        u.Shape.Should().Equal(3, m, k);   // thin: full_matrices false
        s.Shape.Should().Equal(3, k);
        vh.Shape.Should().Equal(3, k, n);
        ((u * s.Unsqueeze(1)).MatMul(vh) - a).Abs().Max().ToDouble().Should().BeLessThan(1e-13, "U diag(S) Vᵀ = A");
        (u.MT.MatMul(u) - Torch.Eye(k, ScalarType.Float64)).Abs().Max().ToDouble().Should().BeLessThan(1e-14);
        (vh.MatMul(vh.MT) - Torch.Eye(k, ScalarType.Float64)).Abs().Max().ToDouble().Should().BeLessThan(1e-14);
        var values = s.ToArray<double>();
        for (var b = 0; b < 3; b++)
            for (var i = 1; i < k; i++) values[b * k + i].Should().BeLessThanOrEqualTo(values[b * k + i - 1], "descending");
        (s - Linalg.Svdvals(a)).Abs().Max().ToDouble().Should().BeLessThan(1e-13);
        if (m == 1) s.Reshape(-1).ToArray<double>().Should().Equal(a.Square().Sum(2).Sqrt().Reshape(-1).ToArray<double>(), (x, y) => Math.Abs(x - y) <= 1e-14 * y);
    }

    [Fact]
    public void The_svd_and_the_spectral_norm_are_refused_where_host_reads_are_forbidden()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.Randn([4, 3], ScalarType.Float64);
        using (HostReads.Forbid("capturing the test step"))
        {
            ((Action)(() => Linalg.Svd(a))).Should().Throw<TorchException>()
                .WithMessage("linalg_svd (its error check) reads a tensor's value on the host*not allowed while capturing the test step");
            ((Action)(() => Linalg.Svdvals(a))).Should().Throw<TorchException>().WithMessage("linalg_svdvals*");
            ((Action)(() => Linalg.MatrixNorm(a, 2))).Should().Throw<TorchException>().WithMessage("linalg_matrix_norm (ord 2*");
            ((Action)(() => Linalg.MatrixNorm(a, -2))).Should().Throw<TorchException>().WithMessage("linalg_matrix_norm (ord -2*");
            using var oneNorm = Linalg.MatrixNorm(a, 1);   // a column sum, no SVD: allowed
        }
        Linalg.Svd(a).S.Shape.Should().Equal(3);
    }

    [Fact]
    public void Cholesky_and_solve_invert_a_positive_definite_system()
    {
        using var scope = Torch.NewDisposeScope();
        var b = Torch.Randn([4, 4], ScalarType.Float64);
        var a = b.MatMul(b.MT) + Torch.Eye(4, ScalarType.Float64);
        var l = Linalg.Cholesky(a);
        (l.MatMul(l.MT) - a).Abs().Max().ToDouble().Should().BeLessThan(1e-12);
        l.Triu(1).Abs().Max().ToDouble().Should().Be(0);
        var rhs = Torch.Randn([4, 2], ScalarType.Float64);
        (a.MatMul(Linalg.Solve(a, rhs)) - rhs).Abs().Max().ToDouble().Should().BeLessThan(1e-12);
        GradCheck.Check(xs => Linalg.Solve(a, xs[0]), GradCheck.Random(4, 2));
    }
}
