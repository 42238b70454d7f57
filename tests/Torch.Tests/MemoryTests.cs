using Dashboard.Torch.NN;
using Dashboard.Torch.Optim;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Torch.Tests;

public class MemoryTests
{
    [Fact]
    public void Thousand_training_steps_leave_only_parameters_and_optimizer_state_alive()
    {
        Torch.ManualSeed(5);
        // Anything another test left to the finalizer is collected now, not in the middle of the count.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = Torch.LiveTensors;
        var finalizedBefore = Torch.FinalizedTensors;
        using var x = Tensor.From(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, [4, 2]);
        using var y = Tensor.From(new long[] { 0, 1, 1, 0 });
        using var model = new Sequential(new Linear(2, 16), Activation.Gelu(), new LayerNorm(16), new Linear(16, 2));
        using var optimizer = new AdamW(model.Parameters(), 1e-2);
        var schedule = new WarmupCosineSchedule(optimizer, 10, 1000);
        var parameters = model.Parameters().Count();

        for (var step = 0; step < 1000; step++)
        {
            using var scope = Torch.NewDisposeScope();
            schedule.Apply(step);
            optimizer.ZeroGrad();
            var loss = F.CrossEntropy(model.Forward(x), y);
            loss.Backward();
            GradientClipping.ClipGradNorm(model.Parameters(), 1.0);
            optimizer.Step();
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        Torch.FinalizedTensors.Should().Be(finalizedBefore, "no tensor may be left to the garbage collector");
        Torch.LiveTensors.Should().Be(baseline + 2 /* x, y */ + parameters + optimizer.StateTensors().Count);
        optimizer.StateTensors().Count.Should().Be(2 * parameters);
    }
}
