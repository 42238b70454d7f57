using System.Text.Json.Nodes;
using Dashboard.Domain.Families.SympScale;
using Dashboard.Torch;
using Dashboard.Torch.Optim;
using Dashboard.Worker.Experiments.SympScale;
using Dashboard.Worker.Experiments.SympScale.Models;
using Dashboard.Worker.Experiments.SympScale.Systems;
using Dashboard.Worker.Experiments.Training;

namespace Dashboard.Worker.Tests.Experiments.SympScale;

/// <summary>
/// The spectral norm through the top singular pair (σ = uᵀWv, the pair from a full SVD before the step) against its
/// definition, σ_max(W) by linalg's matrix 2-norm with autograd through the SVD, and float64 finite differences of
/// σ_max: the value and ∂σ/∂W, then whole training steps (loss, gradient norm, gradients, parameters), eager and
/// rehearsed as a CUDA graph; and the rehearsal refusing an SVD inside the step, as the GPU's capture did.
/// </summary>
[Collection(GlobalGeneratorCollection.Name)]
public sealed class SpectralNormTests
{
    private const int Steps = 8;

    [Theory]
    [InlineData(12, 5)]
    [InlineData(12, 12)]
    [InlineData(1, 12)]   // the output layer w₃
    [InlineData(5, 12)]
    public void The_top_pair_gives_sigma_max_and_its_gradient(int rows, int columns)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        Dashboard.Torch.Torch.ManualSeed(21);
        var w = Dashboard.Torch.Torch.Randn([rows, columns], ScalarType.Float64);
        var (u, s, vh) = Linalg.Svd(w);
        var sigmaMax = s.ToArray<double>()[0];

        var wPair = w.Detach().RequiresGrad_();
        var sigma = SoftplusMlp.TopSingularValue(wPair, u.Select(1, 0), vh.Select(0, 0));
        sigma.Backward();
        var wNorm = w.Detach().RequiresGrad_();
        var norm = Linalg.MatrixNorm(wNorm, 2);
        norm.Backward();

        sigma.ToDouble().Should().BeApproximately(norm.ToDouble(), 1e-14 * sigmaMax);
        sigma.ToDouble().Should().BeApproximately(sigmaMax, 1e-14 * sigmaMax);
        RelativeDifference(wPair.Grad!, wNorm.Grad!).Should().BeLessThan(1e-12, "∂σ/∂W = u vᵀ is the SVD's gradient of σ_max");
        // Central differences of σ_max itself (a fresh SVD at each point), entry by entry.
        var grad = wPair.Grad!.Reshape(-1).ToArray<double>();
        var values = w.Reshape(-1).ToArray<double>();
        const double h = 1e-6;
        for (var i = 0; i < values.Length; i++)
        {
            double At(double delta)
            {
                using var inner = Dashboard.Torch.Torch.NewDisposeScope();
                var moved = (double[])values.Clone();
                moved[i] += delta;
                return Linalg.Svdvals(Tensor.From(moved, [rows, columns])).ToArray<double>()[0];
            }
            grad[i].Should().BeApproximately((At(h) - At(-h)) / (2 * h), 1e-8, $"∂σ_max/∂W[{i / columns}, {i % columns}]");
        }
    }

    [Fact]
    public void A_potential_prepared_with_the_pairs_equals_one_divided_by_the_matrix_norm_in_value_force_and_gradients()
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        Dashboard.Torch.Torch.ManualSeed(22);
        using var mlp = new SoftplusMlp(4, 12);
        mlp.To(ScalarType.Float64);
        var x = Dashboard.Torch.Torch.Randn([6, 2], ScalarType.Float64);
        (Tensor Value, Tensor Force, Tensor[] Gradients) Run(IReadOnlyList<Tensor>? vectors)
        {
            var potential = mlp.Prepare(spectralNorm: true, 2, vectors);
            var value = potential.Value(x);
            var force = potential.Gradient(x);
            var parameters = mlp.Parameters().ToArray();
            var gradients = Autograd.Grad([value.Sum() + force.Square().Sum()], parameters);
            return (value.Detach(), force.Detach(), gradients.Select(g => g!).ToArray());
        }
        var pairs = Run(mlp.TopSingularVectors());
        var direct = Run(null);

        RelativeDifference(pairs.Value, direct.Value).Should().BeLessThan(1e-13);
        RelativeDifference(pairs.Force, direct.Force).Should().BeLessThan(1e-13);
        for (var i = 0; i < direct.Gradients.Length; i++)
            RelativeDifference(pairs.Gradients[i], direct.Gradients[i]).Should().BeLessThan(1e-12, $"parameter {i}");
        direct.Gradients.Select(g => g.Abs().Max().ToDouble()).Should().OnlyContain(g => g > 0, "every parameter is reached");
    }

    /// <summary>
    /// The trainer (singular vectors computed before the step, passed in as inputs), eager and rehearsed as a graph,
    /// against a plain loop whose step divides by linalg's matrix norm inside autograd (the definition), both in
    /// float64 with the same optimizer: losses, gradient norms, gradients and parameters step by step.
    /// </summary>
    [Theory]
    [InlineData("symp", 0.625, StepGraphs.Off)]   // leapfrog for five steps, then Yoshida-4: each captured after the warm-up
    [InlineData("symp", 0.625, StepGraphs.Rehearsal)]
    [InlineData("rk4", 0.0, StepGraphs.Off)]
    [InlineData("rk4", 0.0, StepGraphs.Rehearsal)]
    public void The_training_step_with_the_singular_vectors_equals_the_step_with_the_matrix_norm(string model, double warmupFraction, StepGraphs graphs)
    {
        var json = (JsonObject)new SympScaleFamily().Presets.Single(p => p.Name == "tiny").Config.DeepClone();
        json["model"] = model;
        json["warmup_fraction"] = warmupFraction;
        json["steps"] = Steps;
        var config = SympScaleConfig.From(json);
        config.SpectralNorm.Should().BeTrue();
        config.Projection.Should().BeTrue("the straight-through projection is part of the step");
        var match = SympScaleCapacity.Match(config.Dim, config.ActionDim, config.Width)!;
        var system = SystemCatalogue.For(config);
        using var mean = Tensor.From(new[] { 1.1557, 0, 0, 0 });
        using var std = Dashboard.Torch.Torch.Full([config.Dim], 0.01, ScalarType.Float64);
        var warmupSteps = (long)Math.Round(config.WarmupFraction * config.Steps);

        Tensor Window(int step)
        {
            Dashboard.Torch.Torch.ManualSeed(300 + (ulong)step);
            return Dashboard.Torch.Torch.Randn([config.Batch, config.BpttWindow + 1, config.Dim], ScalarType.Float64) * 0.3;
        }
        List<(double Loss, double Norm, double[] Gradients, double[] Parameters)> Trainer()
        {
            Dashboard.Torch.Torch.ManualSeed(9);
            using var net = SympScaleModels.Build(config, match);
            net.To(ScalarType.Float64);
            using var trainer = new SympScaleTrainer(net, config, system, mean, std, Device.Cpu, graphs);
            var trace = new List<(double, double, double[], double[])>();
            for (var step = 0; step < Steps; step++)
            {
                using var scope = Dashboard.Torch.Torch.NewDisposeScope();
                var (loss, norm) = trainer.Step(step, Window(step));
                trace.Add((loss, norm, Gradients(net.Parameters()), Flat(net.Parameters())));
            }
            trainer.GraphFailure.Should().BeNull();
            trainer.Captured.Should().Be(graphs == StepGraphs.Rehearsal);
            return trace;
        }
        List<(double Loss, double Norm, double[] Gradients, double[] Parameters)> Definition()
        {
            Dashboard.Torch.Torch.ManualSeed(9);
            using var net = SympScaleModels.Build(config, match);
            net.To(ScalarType.Float64);
            var parameters = net.Parameters().ToList();
            using var optimizer = new AdamW(parameters, config.LearningRate, weightDecay: 0.0, capturable: GraphedStep.WantsCapturableOptimizer(graphs));
            var trace = new List<(double, double, double[], double[])>();
            for (var step = 0; step < Steps; step++)
            {
                using var scope = Dashboard.Torch.Torch.NewDisposeScope();
                ((SympModel)net).Leapfrog = step < warmupSteps;
                optimizer.ZeroGrad();
                var loss = SympScaleExecutor.Loss(net, Window(step), system, mean, std, config, singularVectors: null);
                loss.Backward();
                var norm = GradientClipping.ClipGradNormOnDevice(parameters, config.GradClip);
                optimizer.Step();
                trace.Add((loss.ToDouble(), norm.ToDouble(), Gradients(parameters), Flat(parameters)));
            }
            return trace;
        }
        var actual = Trainer();
        var expected = Definition();

        for (var step = 0; step < Steps; step++)
        {
            var (a, e) = (actual[step], expected[step]);
            a.Loss.Should().BeApproximately(e.Loss, 1e-12 * Math.Abs(e.Loss), $"loss at step {step}");
            a.Norm.Should().BeApproximately(e.Norm, 1e-12 * e.Norm, $"gradient norm at step {step}");
            RelativeDifference(a.Gradients, e.Gradients).Should().BeLessThan(1e-12, $"gradients at step {step}");
            RelativeDifference(a.Parameters, e.Parameters).Should().BeLessThan(1e-12, $"parameters after step {step}");
        }
        expected[^1].Parameters.Should().NotEqual(expected[0].Parameters, "the steps train");
    }

    [Fact]
    public void An_svd_inside_the_step_is_refused_by_the_rehearsal_as_by_the_gpus_capture()
    {
        var json = (JsonObject)new SympScaleFamily().Presets.Single(p => p.Name == "tiny").Config.DeepClone();
        var config = SympScaleConfig.From(json);
        var match = SympScaleCapacity.Match(config.Dim, config.ActionDim, config.Width)!;
        var system = SystemCatalogue.For(config);
        using var mean = Tensor.From(new[] { 1.1557, 0, 0, 0 });
        using var std = Dashboard.Torch.Torch.Full([config.Dim], 0.01, ScalarType.Float64);
        string? Failure(Func<WorldModel, Tensor, Tensor> loss)
        {
            Dashboard.Torch.Torch.ManualSeed(9);
            using var net = SympScaleModels.Build(config, match);
            net.To(ScalarType.Float64);
            using var optimizer = new AdamW(net.Parameters(), config.LearningRate, weightDecay: 0.0, capturable: true);
            using var graphed = new GraphedStep(Device.Cpu, StepGraphs.Rehearsal, optimizer, warmupSteps: 0);
            for (var step = 0; step < 2; step++)
            {
                using var scope = Dashboard.Torch.Torch.NewDisposeScope();
                var window = Dashboard.Torch.Torch.Randn([config.Batch, config.BpttWindow + 1, config.Dim], ScalarType.Float64) * 0.3;
                graphed.Step([window], inputs =>
                {
                    var value = loss(net, inputs[0]);
                    value.Backward();
                    optimizer.Step();
                    return value.Detach().Reshape(1);
                });
            }
            return graphed.Failure;
        }

        Failure((net, window) => SympScaleExecutor.Loss(net, window, system, mean, std, config, singularVectors: null)).Should()
            .StartWith("capturing the training step failed (rehearsal on cpu): linalg_matrix_norm (ord 2, through the SVD) (its error check) reads a tensor's value on the host");
        Failure((net, window) => SympScaleExecutor.Loss(net, window, system, mean, std, config)).Should()
            .StartWith("capturing the training step failed (rehearsal on cpu): linalg_svd (its error check) reads", "the vectors belong outside the step");
    }

    /// <summary>Every parameter's gradient, zeros where it has none (the potentials' output biases do not reach a force).</summary>
    private static double[] Gradients(IEnumerable<Tensor> parameters)
    {
        using var scope = Dashboard.Torch.Torch.NewDisposeScope();
        return Flat(parameters.Select(p => p.Grad ?? Dashboard.Torch.Torch.ZerosLike(p)));
    }

    private static double[] Flat(IEnumerable<Tensor> tensors)
    {
        using var flat = Dashboard.Torch.Torch.Cat(tensors.Select(t => t.Detach().Reshape(-1)).ToArray());
        return flat.ToArray<double>();
    }

    private static double RelativeDifference(Tensor actual, Tensor expected) =>
        RelativeDifference(actual.Reshape(-1).ToArray<double>(), expected.Reshape(-1).ToArray<double>());

    private static double RelativeDifference(double[] actual, double[] expected)
    {
        actual.Length.Should().Be(expected.Length);
        double difference = 0, norm = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            difference += Math.Pow(actual[i] - expected[i], 2);
            norm += Math.Pow(expected[i], 2);
        }
        return Math.Sqrt(difference / norm);
    }
}
