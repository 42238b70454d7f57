using Dashboard.Torch;
using Dashboard.Worker.Experiments.SympScale.Models;
using Dashboard.Worker.Experiments.SympScale.Systems;

namespace Dashboard.Worker.Tests.Experiments.SympScale;

/// <summary>
/// The integrators' orders on the harmonic oscillator H = (q² + p²)/2, whose exact flow is a rotation:
/// halving h divides the error by about 2^order (16 for Yoshida-4, 256 for Yoshida-8, 4 for leapfrog).
/// </summary>
public class IntegratorOrderTests
{
    private sealed class Oscillator : ISeparableField
    {
        public Tensor DhDp(Tensor p) => p.Clone();
        public Tensor DhDq(Tensor q) => q.Clone();
    }

    private static double TensorError(Func<ISeparableField, Tensor, Tensor, double, (Tensor, Tensor)> step, double h, double time)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var q = Tensor.From(new[] { 1.0 }, [1, 1]);
        var p = Tensor.From(new[] { 0.0 }, [1, 1]);
        var field = new Oscillator();
        var steps = (int)Math.Round(time / h);
        for (var i = 0; i < steps; i++) (q, p) = step(field, q, p, h);
        return Math.Sqrt(Math.Pow(q.ToDouble() - Math.Cos(time), 2) + Math.Pow(p.ToDouble() + Math.Sin(time), 2));
    }

    [Theory]
    [InlineData("yoshida4", 0.1, 16)]
    [InlineData("leapfrog", 0.1, 4)]
    [InlineData("rk4", 0.1, 16)]
    public void Halving_the_step_divides_the_error_by_two_to_the_order(string integrator, double h, double expected)
    {
        Func<ISeparableField, Tensor, Tensor, double, (Tensor, Tensor)> step = integrator switch
        {
            "yoshida4" => Yoshida4.Step,
            "leapfrog" => Leapfrog.Step,
            _ => RungeKutta4.Step,
        };
        var ratio = TensorError(step, h, 2.0) / TensorError(step, h / 2, 2.0);
        ratio.Should().BeInRange(expected * 0.8, expected * 1.25, $"{integrator} is of order {Math.Log2(expected)}");
    }

    [Fact]
    public void Yoshida8_is_of_order_eight_and_its_weights_sum_to_one()
    {
        Yoshida8.Weights.Should().HaveCount(15);
        Yoshida8.Weights.Sum().Should().BeApproximately(1, 1e-14);
        double Error(double h, double time)
        {
            double[] q = [1.0], p = [0.0], scratch = new double[1];
            var steps = (int)Math.Round(time / h);
            for (var i = 0; i < steps; i++) Yoshida8.Step((x, f) => f[0] = -x[0], q, p, h, scratch);
            return Math.Sqrt(Math.Pow(q[0] - Math.Cos(time), 2) + Math.Pow(p[0] + Math.Sin(time), 2));
        }
        var ratio = Error(0.5, 10) / Error(0.25, 10);
        ratio.Should().BeInRange(256 * 0.7, 256 * 1.4);
    }

    [Fact]
    public void Dormand_prince_853_follows_the_oscillator_to_its_tolerance()
    {
        var output = new double[11 * 2];
        new DormandPrince853(1e-12, 1e-14).Sample((s, ds) => { ds[0] = s[1]; ds[1] = -s[0]; }, [1.0, 0.0], 11, 1.0, output);
        for (var t = 0; t <= 10; t++)
        {
            output[2 * t].Should().BeApproximately(Math.Cos(t), 1e-10);
            output[2 * t + 1].Should().BeApproximately(-Math.Sin(t), 1e-10);
        }
    }
}
