using System.Text.Json.Nodes;
using Dashboard.Torch;
using Dashboard.Worker.Experiments.NGpt;
using Dashboard.Worker.Experiments.Training;

namespace Dashboard.Worker.Tests.Experiments;

/// <summary>The chunked head is a speed path: a trainer's results must not depend on it.</summary>
[Collection(GlobalGeneratorCollection.Name)]
public sealed class NGptChunkedHeadTests
{
    [Theory]
    [InlineData("ngpt")]
    [InlineData("gpt")]
    [InlineData("ngpt-seed")]
    public void Training_with_the_chunked_head_matches_the_plain_head_step_for_step(string variant)
    {
        var config = NGptConfig.From(new JsonObject
        {
            ["variant"] = variant, ["layers"] = 2, ["width"] = 32, ["heads"] = 2, ["context"] = 16, ["batch"] = 4, ["vocab"] = 300,
        });
        (double Loss, float[] Parameters) Train(bool chunked)
        {
            Dashboard.Torch.Torch.ManualSeed(5);
            using var trainer = new NGptTrainer(config, Device.Cpu, bf16Autocast: false, StepGraphs.Off, chunkedHead: chunked);
            double loss = 0;
            for (var step = 0; step < 4; step++)
            {
                Dashboard.Torch.Torch.ManualSeed(100 + (ulong)step);
                using var inputs = Dashboard.Torch.Torch.RandInt(0, 256, [4, 16]);
                using var targets = Dashboard.Torch.Torch.RandInt(0, 256, [4, 16]);
                trainer.Step(step, inputs, targets);
                loss = trainer.Metrics().Loss;
            }
            using var flat = Dashboard.Torch.Torch.Cat(trainer.Model.Parameters().Select(p => p.Detach().Reshape(-1)).ToArray());
            return (loss, flat.ToArray<float>());
        }
        var plain = Train(false);
        var chunked = Train(true);
        chunked.Loss.Should().BeApproximately(plain.Loss, 1e-5);
        chunked.Parameters.Should().Equal(plain.Parameters, (a, b) => Math.Abs(a - b) <= 1e-5f + 1e-4f * Math.Abs(b));
    }
}
