using Dashboard.Domain.Families.SympScale;
using Dashboard.Torch;
using Dashboard.Worker.Experiments.SympScale;
using Dashboard.Worker.Experiments.SympScale.Models;
using Dashboard.Worker.Experiments.SympScale.Systems;

namespace Dashboard.Worker.Tests.Experiments.SympScale;

/// <summary>
/// The models against independent oracles: parameter counts against the seed's figures and the Domain's
/// arithmetic, the closed-form forces against autograd's gradient of the learned H, the training gradient
/// through a rollout against finite differences, a learned-H Yoshida-4 step conserving its own H to 4th
/// order, and the Newton projection reaching the level set.
/// </summary>
public class ModelTests
{
    public ModelTests() => Dashboard.Torch.Torch.ManualSeed(7);

    [Fact]
    public void At_D4_the_counts_are_the_seeds_25525_and_25540()
    {
        using var symp = new SympModel(4, 2, 110, 1.0, spectralNorm: true, rk4: false);
        using var gru = new GruModel(4, 2, 64);
        symp.ParameterCount().Should().Be(25_525);
        gru.ParameterCount().Should().Be(25_540);
        var match = SympScaleCapacity.Match(4, 2, 110)!;
        (match.HamiltonianWidth, match.GruWidth, match.HamiltonianParameters, match.GruParameters).Should().Be((110L, 64L, 25_525L, 25_540L));
        match.Ratio.Should().BeApproximately(0.99941, 1e-5);
    }

    [Theory]
    [InlineData(4, 110)]
    [InlineData(16, 110)]
    [InlineData(64, 110)]
    [InlineData(256, 110)]
    [InlineData(1024, 110)]
    [InlineData(256, 512)]
    [InlineData(4, 8)]
    public void At_every_preset_dimension_the_built_models_match_within_a_tenth_of_a_percent(int dim, int width)
    {
        var match = SympScaleCapacity.Match(dim, 2, width);
        match.Should().NotBeNull();
        using var symp = new SympModel(dim, 2, (int)match!.HamiltonianWidth, 1.0, true, false);
        using var gru = new GruModel(dim, 2, (int)match.GruWidth);
        using var freeform = new FreeformModel(dim, 2, (int)match.FreeformWidth, 1.0);
        symp.ParameterCount().Should().Be(match.HamiltonianParameters);
        gru.ParameterCount().Should().Be(match.GruParameters);
        freeform.ParameterCount().Should().Be(match.FreeformParameters);
        Math.Abs(match.Ratio - 1).Should().BeLessThan(1e-3);
    }

    [Fact]
    public void The_closed_form_forces_are_autograds_gradients_of_the_learned_H()
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        using var model = new SympModel(6, 2, 12, 0.5, spectralNorm: true, rk4: false);
        model.To(ScalarType.Float64);
        var field = model.Field();
        var q = Dashboard.Torch.Torch.Randn([5, 3], ScalarType.Float64).RequiresGrad_();
        var p = Dashboard.Torch.Torch.Randn([5, 3], ScalarType.Float64).RequiresGrad_();
        var grads = Autograd.Grad([field.Energy(q, p).Sum()], [q, p]);
        (field.DhDq(q) - grads[0]!).Abs().Max().ToDouble().Should().BeLessThan(1e-12);
        (field.DhDp(p) - grads[1]!).Abs().Max().ToDouble().Should().BeLessThan(1e-12);
    }

    [Theory]
    [InlineData("symp")]
    [InlineData("rk4")]
    [InlineData("gru")]
    [InlineData("freeform")]
    public void The_rollout_loss_gradient_matches_finite_differences(string name)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var config = SympScaleConfig.From(new() { ["model"] = name, ["dim"] = 4, ["width"] = 8, ["projection"] = "none" });
        using var model = SympScaleModels.Build(config, SympScaleCapacity.Match(4, 2, 8)!);
        model.To(ScalarType.Float64);
        var window = Dashboard.Torch.Torch.Randn([3, 4, 4], ScalarType.Float64) * 0.5;
        var system = new Cr3bp();
        var mean = Tensor.From(new[] { 1.0, 0, 0, 0 });
        var std = Tensor.From(new[] { 0.1, 0.1, 0.1, 0.1 });
        model.Parameters().ToList().ForEach(p => p.ClearGrad());
        SympScaleExecutor.Loss(model, window, system, mean, std, config).Backward();
        foreach (var (parameterName, parameter) in model.NamedParameters().Take(4))
        {
            var analytic = parameter.Grad!.Reshape(-1).ToArray<double>();
            var flat = parameter.Detach().Reshape(-1);
            var picks = new[] { 0, (int)(flat.NumEl / 2), (int)flat.NumEl - 1 }.Distinct();
            foreach (var i in picks)
            {
                double LossAt(double delta)
                {
                    using var inner = Dashboard.Torch.Torch.NewDisposeScope();
                    using var noGrad = Dashboard.Torch.Torch.NoGrad();
                    var original = flat.ToArray<double>();
                    var changed = (double[])original.Clone();
                    changed[i] += delta;
                    parameter.CopyFrom(Tensor.From(changed, parameter.Shape));
                    var value = SympScaleExecutor.Loss(model, window, system, mean, std, config).ToDouble();
                    parameter.CopyFrom(Tensor.From(original, parameter.Shape));
                    return value;
                }
                const double h = 1e-6;
                var numeric = (LossAt(h) - LossAt(-h)) / (2 * h);
                analytic[i].Should().BeApproximately(numeric, 1e-6 + 1e-5 * Math.Abs(numeric), $"{name}: d loss / d {parameterName}[{i}]");
            }
        }
    }

    [Fact]
    public void A_learned_H_yoshida4_rollout_conserves_that_H_to_fourth_order()
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        using var noGrad = Dashboard.Torch.Torch.NoGrad();
        using var model = new SympModel(4, 2, 32, 1.0, spectralNorm: false, rk4: false);
        model.To(ScalarType.Float64);
        var field = model.Field();
        var z0 = Dashboard.Torch.Torch.Randn([4, 4], ScalarType.Float64);
        double Drift(double h)
        {
            var q = z0.Narrow(1, 0, 2);
            var p = z0.Narrow(1, 2, 2);
            var e0 = field.Energy(q, p);
            var worst = 0.0;
            for (var i = 0; i < (int)Math.Round(2.0 / h); i++)
            {
                (q, p) = Yoshida4.Step(field, q, p, h);
                worst = Math.Max(worst, (field.Energy(q, p) - e0).Abs().Max().ToDouble());
            }
            return worst;
        }
        var ratio = Drift(0.1) / Drift(0.05);
        ratio.Should().BeInRange(16 * 0.6, 16 * 1.6, "the energy error of a 4th-order symplectic method scales as h⁴");
        Drift(0.05).Should().BeLessThan(1e-4);
    }

    [Fact]
    public void The_newton_projection_reaches_the_Jacobi_level_set_within_five_iterations()
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        using var noGrad = Dashboard.Torch.Torch.NoGrad();
        var system = new Cr3bp();
        var mean = Tensor.From(new[] { 1.1557, 0, 0, 0 });
        var std = Tensor.From(new[] { 0.02, 0.03, 0.05, 0.04 });
        var z = Dashboard.Torch.Torch.Randn([8, 4], ScalarType.Float64);
        var c0 = system.Invariant(mean + std * z);
        var perturbed = z + Dashboard.Torch.Torch.Randn([8, 4], ScalarType.Float64) * 0.05;
        var projection = new NewtonProjection(system, mean, std, c0, iterations: 5, tolerance: 1e-13, checkTolerance: true);
        (projection.Invariant(perturbed) - c0).Abs().Max().ToDouble().Should().BeGreaterThan(1e-4);
        var projected = projection.Apply(perturbed);
        (projection.Invariant(projected) - c0).Abs().Max().ToDouble().Should().BeLessThan(1e-12);
        projection.LastIterations.Should().BeLessThanOrEqualTo(5);
        (projected - perturbed).Abs().Max().ToDouble().Should().BeLessThan(0.1, "a minimum-norm step, not a jump elsewhere");
    }

    [Fact]
    public void The_straight_through_projection_passes_the_gradient_as_the_identity()
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        var system = new Cr3bp();
        var mean = Tensor.From(new[] { 1.1557, 0, 0, 0 });
        var std = Tensor.From(new[] { 0.02, 0.03, 0.05, 0.04 });
        var c0 = Tensor.From(new[] { 3.0, 3.0 });
        var z = Dashboard.Torch.Torch.Randn([2, 4], ScalarType.Float64).RequiresGrad_();
        var w = Dashboard.Torch.Torch.Randn([2, 4], ScalarType.Float64);
        var projected = new NewtonProjection(system, mean, std, c0, 3, 0, checkTolerance: false).Apply(z);
        var g = Autograd.Grad((projected * w).Sum(), z);
        (g - w).Abs().Max().ToDouble().Should().Be(0);
    }

    [Fact]
    public void Batches_depend_on_seed_and_step_alone_in_every_process()
    {
        // Fixed values: a requeued run in another worker process must draw the batches this one drew.
        WindowSampler.Mix(1, 0).Should().Be(WindowSampler.Mix(1, 0));
        WindowSampler.Mix(1, 0).Should().NotBe(WindowSampler.Mix(2, 0));
        WindowSampler.Mix(1, 0).Should().NotBe(WindowSampler.Mix(1, 1));
        WindowSampler.Mix(3, 17).Should().Be(862_726_102, "SplitMix64 of (3, 17), computed independently in Python");
    }
}
