using Dashboard.Torch;
using Dashboard.Torch.NN;
using Dashboard.Torch.Optim;
using Dashboard.Worker.Experiments.Training;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Worker.Tests.Experiments.Training;

/// <summary>
/// The shared capture helper on real libtorch (CPU): the rehearsal stands in for a CUDA capture (host reads forbidden,
/// static inputs and output, replays), so the fallback is exercised by a step that really reads a value on the host.
/// </summary>
[Collection(GlobalGeneratorCollection.Name)]
public sealed class GraphedStepTests
{
    private const int Steps = 7;

    private sealed record Trained(double[] Losses, float[] Parameters, string? Failure, bool Captured, List<string> Log);

    /// <summary>A small regression trained for <see cref="Steps"/> steps, each on its own batch, through the helper.</summary>
    private static Trained Train(StepGraphs graphs, bool readLossOnTheHost = false, bool capturable = true)
    {
        Dashboard.Torch.Torch.ManualSeed(11);
        using var model = new Sequential(new Linear(3, 8), Activation.Tanh(), new Linear(8, 1));
        using var optimizer = new AdamW(model.Parameters(), learningRate: 0.05, weightDecay: 0.01, capturable: capturable);
        var log = new List<string>();
        using var step = new GraphedStep(Device.Cpu, graphs, optimizer, log.Add);
        var losses = new double[Steps];
        for (var s = 0; s < Steps; s++)
        {
            using var scope = Dashboard.Torch.Torch.NewDisposeScope();
            Dashboard.Torch.Torch.ManualSeed(100 + (ulong)s);
            var x = Dashboard.Torch.Torch.Randn([16, 3]);
            var y = x.Sum(1, keepDim: true).Sin();
            var output = step.Step([x, y], batch =>
            {
                var loss = F.MseLoss(model.Forward(batch[0]), batch[1]);
                loss.Backward();
                optimizer.Step();
                // The deliberately uncapturable op: a host read, after the update (so a rehearsal that failed here has
                // changed the parameters, and must undo that before the step runs eagerly).
                if (readLossOnTheHost && loss.ToDouble() < 0) throw new InvalidOperationException("unreachable");
                return loss.Detach().Reshape(1);
            });
            losses[s] = output.ToDouble();
        }
        using var flat = Dashboard.Torch.Torch.Cat(model.Parameters().Select(p => p.Detach().Reshape(-1)).ToArray());
        return new Trained(losses, flat.ToArray<float>(), step.Failure, step.Captured, log);
    }

    [Fact]
    public void A_capturable_step_is_captured_after_the_warm_up_and_replays_what_the_eager_path_computes()
    {
        var eager = Train(StepGraphs.Off);
        var graphed = Train(StepGraphs.Rehearsal);

        graphed.Failure.Should().BeNull();
        graphed.Captured.Should().BeTrue();
        graphed.Log.Should().Equal($"the training step captured (rehearsal on cpu) after {GraphedStep.DefaultWarmupSteps} eager warm-up steps");
        graphed.Losses.Should().Equal(eager.Losses, "the same ops on the same values, whichever path runs them");
        graphed.Parameters.Should().Equal(eager.Parameters);
        eager.Losses[^1].Should().BeLessThan(eager.Losses[0], "the model learns");
    }

    [Fact]
    public void A_step_that_reads_a_value_on_the_host_falls_back_to_eager_with_the_reason_logged_and_trains_as_eagerly()
    {
        var eager = Train(StepGraphs.Off, readLossOnTheHost: true);
        var fallback = Train(StepGraphs.Rehearsal, readLossOnTheHost: true);

        fallback.Captured.Should().BeFalse();
        fallback.Failure.Should().Be("capturing the training step failed (rehearsal on cpu): ToDouble reads a tensor's value on the host, " +
                                     "which waits for the device: not allowed while capturing the training step (rehearsal)");
        fallback.Log.Should().Equal($"{fallback.Failure}; training eagerly");
        fallback.Losses.Should().Equal(eager.Losses, "the failed capture is undone and the step runs eagerly once");
        fallback.Parameters.Should().Equal(eager.Parameters);
    }

    [Fact]
    public void Graphs_asked_for_on_the_cpu_train_eagerly_and_say_why()
    {
        var eager = Train(StepGraphs.Off, capturable: false);
        var asked = Train(StepGraphs.Cuda, capturable: false);

        asked.Captured.Should().BeFalse();
        asked.Failure.Should().Be("CUDA graphs need a CUDA device, and this run is on cpu");
        asked.Log.Should().Equal("CUDA graphs need a CUDA device, and this run is on cpu; training eagerly");
        asked.Losses.Should().Equal(eager.Losses);
        asked.Parameters.Should().Equal(eager.Parameters);
    }

    [Fact]
    public void An_optimizer_that_counts_its_steps_on_the_host_is_refused_for_capture_with_the_reason()
    {
        var asked = Train(StepGraphs.Rehearsal, capturable: false);

        asked.Captured.Should().BeFalse();
        asked.Failure.Should().Contain("AdamW without capturable");
        asked.Losses.Should().Equal(Train(StepGraphs.Off, capturable: false).Losses);
    }

    [Fact]
    public void A_step_whose_input_shape_changes_is_refused_with_both_shapes()
    {
        using var p = Dashboard.Torch.Torch.Zeros([2]).RequiresGrad_();
        using var optimizer = new AdamW([p], capturable: true);
        using var step = new GraphedStep(Device.Cpu, StepGraphs.Rehearsal, optimizer);
        using var a = Dashboard.Torch.Torch.Ones([4, 2]);
        using var b = Dashboard.Torch.Torch.Ones([5, 2]);
        Tensor Body(IReadOnlyList<Tensor> batch)
        {
            var loss = (batch[0] * p).Sum();
            loss.Backward();
            optimizer.Step();
            return loss.Detach();
        }
        step.Step([a], Body);
        var changed = () => step.Step([b], Body);
        changed.Should().Throw<ArgumentException>().WithMessage("*[5, 2]*[4, 2]*never change*");
    }

    [Fact]
    public void A_further_region_is_captured_at_its_first_run_after_the_warm_up()
    {
        using var p = Dashboard.Torch.Torch.Ones([3]).RequiresGrad_();
        using var optimizer = new AdamW([p], learningRate: 0.1, weightDecay: 0, capturable: true);
        var log = new List<string>();
        using var step = new GraphedStep(Device.Cpu, StepGraphs.Rehearsal, optimizer, log.Add, warmupSteps: 1);
        using var x = Dashboard.Torch.Torch.Ones([3]);
        var projections = 0;
        for (var s = 0; s < 4; s++)
        {
            step.Step([x], batch =>
            {
                var loss = (batch[0] * p).Sum();
                loss.Backward();
                optimizer.Step();
                return loss.Detach();
            });
            step.Region("the projection", () =>
            {
                using var noGrad = Dashboard.Torch.Torch.NoGrad();
                using var norm = p.Norm();
                p.Div_(norm);
                projections++;
            });
        }
        projections.Should().Be(4, "a rehearsal runs the region on every step (a CUDA graph replays it)");
        p.Norm().ToDouble().Should().BeApproximately(1, 1e-6);
        log.Should().Equal(
            "the training step captured (rehearsal on cpu) after 1 eager warm-up steps",
            "the projection captured (rehearsal on cpu) after 1 eager warm-up steps");
    }
}
