using Dashboard.Torch.Optim;

namespace Dashboard.Torch.Tests;

/// <summary>A capturable AdamW reading its learning rate from a tensor computes what it computes with the host rate.</summary>
public class AdamWTensorRateTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_rate_given_as_a_tensor_changing_every_step_updates_as_the_host_rate_does(bool foreachOps)
    {
        float[] Train(bool rateTensor)
        {
            Torch.ManualSeed(4);
            using var w = Torch.Randn([5, 3]).RequiresGrad_();
            using var b = Torch.Randn([3]).RequiresGrad_();
            var group = new ParamGroup([w, b], 0.05, weightDecay: 0.1);
            using var optimizer = new AdamW([group], useForeach: foreachOps, capturable: true);
            using var rate = Torch.Zeros([]);
            var schedule = new WarmupCosineSchedule(optimizer, 2, 6);
            for (var step = 0; step < 6; step++)
            {
                using var scope = Torch.NewDisposeScope();
                schedule.Apply(step);
                rate.Fill_(group.LearningRate);
                group.LearningRateTensor = rateTensor ? rate : null;
                optimizer.ZeroGrad();
                (w.MatMul(b).Square().Sum() + b.Sin().Sum()).Backward();
                optimizer.Step();
            }
            using var flat = Torch.Cat([w.Detach().Reshape(-1), b.Detach()]);
            return flat.ToArray<float>();
        }
        var host = Train(false);
        var device = Train(true);
        device.Should().Equal(host, (a, e) => Math.Abs(a - e) <= 1e-6f + 1e-5f * Math.Abs(e));
    }
}
