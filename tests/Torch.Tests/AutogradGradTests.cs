using System.Text.Json.Nodes;
using static Dashboard.Torch.Tests.PyTorchOracle;

namespace Dashboard.Torch.Tests;

/// <summary>
/// Autograd.Grad (torch.autograd.grad): first derivatives against closed forms and finite differences, double
/// backward through a force (a gradient of an energy) against finite differences of the force loss, and both
/// against PyTorch.
/// </summary>
public class AutogradGradTests
{
    public AutogradGradTests() => Torch.ManualSeed(3);

    /// <summary>H(x) = Σ sin(x)·x² + (Σx)³/6; a scalar with a nonzero, non-diagonal Hessian.</summary>
    private static Tensor Energy(Tensor x) => (x.Sin() * x.Square()).Sum() + x.Sum().Pow(3) / 6.0;

    private static double[] EnergyGradient(double[] x)
    {
        var s = x.Sum();
        return x.Select(v => Math.Cos(v) * v * v + 2 * v * Math.Sin(v) + s * s / 2).ToArray();
    }

    [Fact]
    public void Grad_returns_the_gradient_without_touching_dot_grad()
    {
        using var scope = Torch.NewDisposeScope();
        var data = new[] { 0.3, -1.2, 0.7 };
        var x = Tensor.From(data).RequiresGrad_();
        var g = Autograd.Grad(Energy(x), x);
        g.ToArray<double>().Should().BeEquivalentTo(EnergyGradient(data), o => o.Using<double>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-12)).WhenTypeIs<double>());
        x.Grad.Should().BeNull("torch.autograd.grad leaves .grad alone");
        g.RequiresGrad.Should().BeFalse("without create_graph the gradient is a plain tensor");
    }

    [Fact]
    public void Double_backward_through_a_force_matches_finite_differences()
    {
        // loss(θ) = Σ (∇_x H(θ ⊙ x))² : a loss of forces, differentiated with respect to θ.
        var x0 = new[] { 0.4, -0.9, 1.3 };
        var theta0 = new[] { 1.1, 0.6, -0.8 };
        double Loss(double[] theta)
        {
            using var scope = Torch.NewDisposeScope();
            var th = Tensor.From(theta);
            var x = Tensor.From(x0).RequiresGrad_();
            var force = Autograd.Grad(Energy(th * x), x);
            return force.Square().Sum().ToDouble();
        }

        using var scope = Torch.NewDisposeScope();
        var theta = Tensor.From(theta0).RequiresGrad_();
        var xs = Tensor.From(x0).RequiresGrad_();
        var f = Autograd.Grad(Energy(theta * xs), xs, createGraph: true);
        f.RequiresGrad.Should().BeTrue();
        var analytic = Autograd.Grad(f.Square().Sum(), theta).ToArray<double>();
        const double h = 1e-6;
        for (var i = 0; i < 3; i++)
        {
            var plus = (double[])theta0.Clone(); plus[i] += h;
            var minus = (double[])theta0.Clone(); minus[i] -= h;
            var numeric = (Loss(plus) - Loss(minus)) / (2 * h);
            analytic[i].Should().BeApproximately(numeric, 1e-6 + 1e-6 * Math.Abs(numeric), $"dθ{i}");
        }
    }

    [Fact]
    public void Several_outputs_with_grad_outputs_unused_inputs_and_backward_into_dot_grad_match_PyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.Randn([3, 4], ScalarType.Float64).RequiresGrad_();
        var b = Torch.Randn([4], ScalarType.Float64).RequiresGrad_();
        var unused = Torch.Randn([2], ScalarType.Float64).RequiresGrad_();
        var w = Torch.Randn([3], ScalarType.Float64);
        var y1 = a.MatMul(b).Tanh();                       // (3)
        var y2 = (a.Softplus() * b).Sum();                 // scalar
        var grads = Autograd.Grad([y1, y2], [a, b, unused], [w, null], createGraph: true, allowUnused: true);
        grads[2].Should().BeNull("the outputs do not depend on it");
        // Second order: the norm of the first gradient, back-propagated into .grad.
        (grads[0]!.Square().Sum() + grads[1]!.Square().Sum()).Backward();

        var result = Run("""
            a = T(inp["a"]).requires_grad_(); b = T(inp["b"]).requires_grad_(); w = T(inp["w"])
            y1 = (a @ b).tanh(); y2 = (torch.nn.functional.softplus(a) * b).sum()
            ga, gb = torch.autograd.grad([y1, y2], [a, b], [w, None], create_graph=True)
            (ga.square().sum() + gb.square().sum()).backward()
            out = {"ga": J(ga), "gb": J(gb), "a_grad": J(a.grad), "b_grad": J(b.grad)}
            """, new JsonObject { ["a"] = ToJson(a), ["b"] = ToJson(b), ["w"] = ToJson(w) });
        ShouldMatch(grads[0]!, result["ga"]!, what: "dA");
        ShouldMatch(grads[1]!, result["gb"]!, what: "db");
        ShouldMatch(a.Grad!, result["a_grad"]!, what: "second-order dA");
        ShouldMatch(b.Grad!, result["b_grad"]!, what: "second-order db");
    }

    [Fact]
    public void An_unused_input_without_allow_unused_is_an_error_and_the_graph_is_freed_unless_retained()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var other = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        var y = x.Square().Sum();
        var act = () => Autograd.Grad([y], [x, other]);
        act.Should().Throw<TorchException>().WithMessage("*allow_unused*");
        var z = x.Exp().Sum();
        Autograd.Grad([z], [x], retainGraph: true);
        Autograd.Grad(z, x).ToArray<double>().Should().Equal(Math.Exp(1), Math.Exp(2));
        var again = () => Autograd.Grad(z, x);
        again.Should().Throw<TorchException>("the graph was freed by the last call");
    }
}
