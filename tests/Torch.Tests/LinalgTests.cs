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
