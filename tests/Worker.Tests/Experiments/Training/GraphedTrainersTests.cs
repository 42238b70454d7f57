using System.Text.Json.Nodes;
using Dashboard.Domain.Families;
using Dashboard.Domain.Families.SympScale;
using Dashboard.Torch;
using Dashboard.Worker.Experiments.Harmonic;
using Dashboard.Worker.Experiments.Harmonic.Gpt;
using Dashboard.Worker.Experiments.NGpt;
using Dashboard.Worker.Experiments.ResidualStreams;
using Dashboard.Worker.Experiments.SympScale;
using Dashboard.Worker.Experiments.SympScale.Systems;
using Dashboard.Worker.Experiments.Training;

namespace Dashboard.Worker.Tests.Experiments.Training;

/// <summary>
/// Every family trainer whose step is captured on a GPU, rehearsed on the CPU: the step is capturable (no host read
/// inside it), and the graph path trains exactly as the eager fallback does (graphs asked for on the CPU: the same
/// capturable AdamW, run eagerly), step for step and bit for bit; and as the plain eager path (AdamW's host form) to
/// float rounding.
/// </summary>
[Collection(GlobalGeneratorCollection.Name)]
public sealed class GraphedTrainersTests
{
    private const int Steps = 6;

    private sealed record Trained(double[] Losses, float[] Parameters, bool Captured, string? Failure, long Projections = 0);

    /// <summary>The three paths: plain eager, the eager fallback of graphs asked for on the CPU, and the rehearsed graph.</summary>
    private static (Trained Eager, Trained Fallback, Trained Graphed) Paths(Func<StepGraphs, Trained> train)
    {
        var paths = (train(StepGraphs.Off), train(StepGraphs.Cuda), train(StepGraphs.Rehearsal));
        paths.Item2.Failure.Should().Be("CUDA graphs need a CUDA device, and this run is on cpu");
        paths.Item2.Captured.Should().BeFalse();
        paths.Item3.Failure.Should().BeNull();
        paths.Item3.Captured.Should().BeTrue();
        paths.Item3.Losses.Should().Equal(paths.Item2.Losses, "the graph path runs the fallback's ops on the same values");
        paths.Item3.Parameters.Should().Equal(paths.Item2.Parameters);
        paths.Item3.Losses.Should().Equal(paths.Item1.Losses, (a, b) => Math.Abs(a - b) <= 1e-5 * Math.Abs(b));
        return paths;
    }

    private static bool Close(float a, float b) => Math.Abs(a - b) <= 1e-5f + 1e-4f * Math.Abs(b);

    private static double RelativeDifference(float[] actual, float[] expected)
    {
        double difference = 0, norm = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            difference += Math.Pow(actual[i] - expected[i], 2);
            norm += Math.Pow(expected[i], 2);
        }
        return Math.Sqrt(difference / norm);
    }

    private static float[] Flat(IEnumerable<Tensor> parameters)
    {
        using var flat = Dashboard.Torch.Torch.Cat(parameters.Select(p => p.Detach().Reshape(-1).To(ScalarType.Float32)).ToArray());
        return flat.ToArray<float>();
    }

    [Theory]
    [InlineData("ngpt")]
    [InlineData("gpt")]
    [InlineData("ngpt-seed")]
    public void The_ngpt_trainer_is_captured_and_trains_as_eagerly_with_the_projections_counted(string variant)
    {
        var config = NGptConfig.From(new JsonObject
        {
            ["variant"] = variant, ["layers"] = 2, ["width"] = 32, ["heads"] = 2, ["context"] = 16, ["batch"] = 4, ["vocab"] = 256,
            ["projection_every"] = 2,
        });
        Trained Train(StepGraphs graphs)
        {
            Dashboard.Torch.Torch.ManualSeed(5);
            using var trainer = new NGptTrainer(config, Device.Cpu, bf16Autocast: false, graphs);
            var losses = new double[Steps];
            for (var step = 0; step < Steps; step++)
            {
                Dashboard.Torch.Torch.ManualSeed(100 + (ulong)step);
                using var inputs = Dashboard.Torch.Torch.RandInt(0, 256, [4, 16]);
                using var targets = Dashboard.Torch.Torch.RandInt(0, 256, [4, 16]);
                trainer.Step(step, inputs, targets);
                losses[step] = trainer.Metrics().Loss;
            }
            return new Trained(losses, Flat(trainer.Model.Parameters()), trainer.Captured, trainer.GraphFailure, trainer.Projections);
        }
        var (eager, fallback, graphed) = Paths(Train);

        graphed.Parameters.Should().Equal(eager.Parameters, Close);
        var projected = variant == "gpt" ? 0 : 3;   // after steps 0, 2 and 4
        (eager.Projections, fallback.Projections, graphed.Projections).Should().Be((projected, projected, projected));
    }

    [Theory]
    [InlineData("tiny-seed", "mhc")]
    [InlineData("tiny-seed", "hc")]
    [InlineData("tiny", "mhc")]
    [InlineData("tiny", "baseline")]
    public void The_residual_streams_trainer_is_captured_and_trains_as_eagerly(string preset, string variant)
    {
        var family = new ResidualStreamsFamily();
        var json = (JsonObject)family.Presets.Single(p => p.Name == preset).Config.DeepClone();
        json["variant"] = variant;
        var config = ResidualStreamsConfig.From(json);
        var data = new IncrementingTokens(config.Vocab, config.SeqLen, config.Batch, config.Seed);
        var gains = new Dictionary<StepGraphs, double>();
        Trained Train(StepGraphs graphs)
        {
            Dashboard.Torch.Torch.ManualSeed(3);
            using var trainer = new StreamsTrainer(config, new TrainingDevice(Device.Cpu, false), graphs);
            var losses = new double[2 * Steps];
            for (var step = 0; step < Steps; step++)
            {
                using var scope = Dashboard.Torch.Torch.NewDisposeScope();
                var (inputs, targets) = data.Batch(step, Device.Cpu);
                (losses[2 * step], losses[2 * step + 1]) = trainer.Step(inputs, targets);   // loss, gradient norm
            }
            gains[graphs] = trainer.Model.GainProxy();
            return new Trained(losses, Flat(trainer.Model.Parameters()), trainer.Captured, trainer.GraphFailure);
        }
        var (eager, _, graphed) = Paths(Train);

        gains[StepGraphs.Rehearsal].Should().Be(gains[StepGraphs.Cuda]);
        gains[StepGraphs.Rehearsal].Should().BeApproximately(gains[StepGraphs.Off], 1e-4);
        // Identical streams give the mixers' logits gradients at the level of rounding (README), which Adam turns into
        // steps of ±lr either way: element by element AdamW's two forms differ there, so compare the whole vector.
        RelativeDifference(graphed.Parameters, eager.Parameters).Should().BeLessThan(1e-3);
    }

    [Theory]
    [InlineData("standard", 0.0)]
    [InlineData("harmonic", 0.2)]   // dropout: the rehearsal draws the same numbers as the eager step
    public void The_harmonic_gpt_trainer_is_captured_with_its_schedule_and_trains_as_eagerly(string model, double dropout)
    {
        var config = HarmonicGptConfig(model, dropout);
        var (eager, _, graphed) = Paths(graphs => TrainHarmonic(config, graphs));

        graphed.Parameters.Should().Equal(eager.Parameters, Close);
    }

    [Fact]
    public void The_harmonic_moe_step_reads_its_expert_counts_on_the_host_so_it_falls_back_with_that_reason_and_trains_as_eagerly()
    {
        var config = HarmonicGptConfig("harmonic-moe", 0.2);
        var fallback = TrainHarmonic(config, StepGraphs.Cuda);
        var rehearsed = TrainHarmonic(config, StepGraphs.Rehearsal);

        rehearsed.Captured.Should().BeFalse();
        rehearsed.Failure.Should().StartWith("capturing the training step failed (rehearsal on cpu): ToArray reads a tensor's value on the host");
        rehearsed.Losses.Should().Equal(fallback.Losses, "the failed capture is undone (parameters, optimizer, generator) and the step runs eagerly");
        rehearsed.Parameters.Should().Equal(fallback.Parameters);
    }

    private static HarmonicConfig HarmonicGptConfig(string model, double dropout)
    {
        var json = (JsonObject)new HarmonicFamily().Presets.Single(p => p.Name == "tiny").Config.DeepClone();
        json["model"] = model;
        json["dropout"] = dropout;
        json["steps"] = Steps;
        return HarmonicConfig.From(json);
    }

    private static Trained TrainHarmonic(HarmonicConfig config, StepGraphs graphs)
    {
        Dashboard.Torch.Torch.ManualSeed(8);
        using var trainer = new GptTrainer(config, new TrainingDevice(Device.Cpu, false), graphs);
        var values = new double[3 * Steps];
        for (var step = 0; step < Steps; step++)
        {
            using var scope = Dashboard.Torch.Torch.NewDisposeScope();
            var inputs = Dashboard.Torch.Torch.RandInt(0, 256, [config.Batch, config.Context]);
            var targets = Dashboard.Torch.Torch.RandInt(0, 256, [config.Batch, config.Context]);
            var (loss, lr, norm, wave) = trainer.Step(step, inputs, targets);
            (values[3 * step], values[3 * step + 1], values[3 * step + 2]) = (loss, norm, wave?.Ratio ?? 0);
            lr.Should().Be(trainer.Schedule.Factor(step) * config.LearningRate);
        }
        return new Trained(values, Flat(trainer.Model.Parameters()), trainer.Captured, trainer.GraphFailure);
    }

    [Theory]
    [InlineData("symp", 0.0)]
    [InlineData("symp", 0.5)]   // the leapfrog warm-up phase is a variant of the step with its own capture
    [InlineData("gru", 0.0)]
    [InlineData("rk4", 0.0)]
    [InlineData("freeform", 0.0)]
    public void The_sympscale_trainer_is_captured_and_trains_as_eagerly_in_float64(string model, double warmupFraction)
    {
        var json = (JsonObject)new SympScaleFamily().Presets.Single(p => p.Name == "tiny").Config.DeepClone();
        json["model"] = model;
        json["warmup_fraction"] = warmupFraction;
        json["steps"] = 2 * Steps;
        var config = SympScaleConfig.From(json);
        var match = SympScaleCapacity.Match(config.Dim, config.ActionDim, config.Width)!;
        var system = SystemCatalogue.For(config);
        Trained Train(StepGraphs graphs)
        {
            Dashboard.Torch.Torch.ManualSeed(9);
            using var net = SympScaleModels.Build(config, match);
            net.To(Device.Cpu, ScalarType.Float64);
            using var mean = Dashboard.Torch.Torch.Zeros([config.Dim], ScalarType.Float64);
            using var std = Dashboard.Torch.Torch.Ones([config.Dim], ScalarType.Float64);
            using var trainer = new SympScaleTrainer(net, config, system, mean, std, Device.Cpu, graphs);
            var losses = new double[2 * Steps];
            for (var step = 0; step < 2 * Steps; step++)
            {
                using var scope = Dashboard.Torch.Torch.NewDisposeScope();
                Dashboard.Torch.Torch.ManualSeed(200 + (ulong)step);
                var window = Dashboard.Torch.Torch.Randn([config.Batch, config.BpttWindow + 1, config.Dim], ScalarType.Float64) * 0.1
                             + Tensor.From(new[] { 1.1557, 0, 0, 0 }).To(ScalarType.Float64);
                (losses[step], _) = trainer.Step(step, window);
            }
            return new Trained(losses, Flat(net.Parameters()), trainer.Captured, trainer.GraphFailure);
        }
        var (eager, _, graphed) = Paths(Train);

        graphed.Parameters.Should().Equal(eager.Parameters, (a, b) => Math.Abs(a - b) <= 1e-6f + 1e-5f * Math.Abs(b));
    }
}
