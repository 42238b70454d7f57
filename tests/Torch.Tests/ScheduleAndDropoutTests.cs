using Dashboard.Torch.NN;
using Dashboard.Torch.Optim;
using F = Dashboard.Torch.Functional;

namespace Dashboard.Torch.Tests;

/// <summary>The learning-rate schedule against nanoGPT's get_lr written out by hand, and dropout in and out of training.</summary>
public class ScheduleAndDropoutTests
{
    [Fact]
    public void Warmup_cosine_follows_nanogpts_get_lr()
    {
        using var p = Torch.Zeros([1]).RequiresGrad_();
        using var optimizer = new AdamW([p], learningRate: 1e-3);
        var schedule = new WarmupCosineSchedule(optimizer, warmupSteps: 10, totalSteps: 110, minRatio: 0.1);
        // nanoGPT: lr·(it+1)/warmup while warming up; then min + ½(1 + cos(π·ratio))·(lr − min), ratio = (it − warmup)/(decay − warmup).
        static double Expected(long it) => it < 10
            ? 1e-3 * (it + 1) / 10
            : it >= 110 ? 1e-4 : 1e-4 + 0.5 * (1 + Math.Cos(Math.PI * (it - 10) / 100.0)) * (1e-3 - 1e-4);
        foreach (var step in new long[] { 0, 4, 9, 10, 35, 60, 85, 109, 110, 500 })
        {
            schedule.Apply(step);
            optimizer.Groups[0].LearningRate.Should().BeApproximately(Expected(step), 1e-15, $"step {step}");
        }
        schedule.Factor(60).Should().BeApproximately(0.55, 1e-12, "half-way through the decay: the middle of 1 and 0.1");
    }

    [Fact]
    public void Dropout_zeroes_a_share_p_and_scales_the_rest_in_training_only()
    {
        Torch.ManualSeed(7);
        using var x = Torch.Ones([200_000]);
        using var trained = F.Dropout(x, 0.3, training: true);
        var values = trained.ToArray<float>();
        var zeros = values.Count(v => v == 0);
        ((double)zeros / values.Length).Should().BeApproximately(0.3, 0.005, "a share p of the elements is dropped");
        values.Where(v => v != 0).Should().OnlyContain(v => Math.Abs(v - 1 / 0.7f) < 1e-6, "the kept ones are scaled by 1/(1 − p)");
        using var evaluated = F.Dropout(x, 0.3, training: false);
        evaluated.Equal(x).Should().BeTrue("no dropout outside training");

        using var mlp = new MLP(8, dropout: 0.5);
        using var input = Torch.Ones([4000, 8]);
        mlp.Eval();
        using var a = mlp.Forward(input);
        using var b = mlp.Forward(input);
        a.Equal(b).Should().BeTrue("evaluation is deterministic");
        mlp.Train();
        using var c = mlp.Forward(input);
        c.Equal(a).Should().BeFalse("training drops units");
    }
}
