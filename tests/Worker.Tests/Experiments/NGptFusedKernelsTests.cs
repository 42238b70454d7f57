using System.Text.Json.Nodes;
using Dashboard.Torch;
using Dashboard.Worker.Experiments.NGpt;
using Dashboard.Worker.Experiments.Training;

namespace Dashboard.Worker.Tests.Experiments;

/// <summary>
/// fused_kernels is a speed switch: a trainer's results must not depend on it. On a CPU both settings run the ATen
/// references (the CUDA kernels are held to them by the GPU checks), so here the two trainings agree exactly.
/// </summary>
[Collection(GlobalGeneratorCollection.Name)]
public sealed class NGptFusedKernelsTests
{
    [Fact]
    public void The_config_field_defaults_to_on_and_can_be_turned_off()
    {
        NGptConfig.From(new JsonObject()).FusedKernels.Should().BeTrue();
        NGptConfig.From(new JsonObject { ["fused_kernels"] = false }).FusedKernels.Should().BeFalse();
    }

    [Theory]
    [InlineData("ngpt")]
    [InlineData("ngpt-seed")]
    public void Training_with_fused_kernels_on_matches_training_with_them_off_step_for_step(string variant)
    {
        (double Loss, float[] Parameters) Train(bool fused)
        {
            var config = NGptConfig.From(new JsonObject
            {
                ["variant"] = variant, ["layers"] = 2, ["width"] = 32, ["heads"] = 2, ["context"] = 16, ["batch"] = 4, ["vocab"] = 300,
                ["fused_kernels"] = fused,
            });
            Dashboard.Torch.Torch.ManualSeed(5);
            using var trainer = new NGptTrainer(config, Device.Cpu, bf16Autocast: false, StepGraphs.Off);
            double loss = 0;
            for (var step = 0; step < 3; step++)
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
        var on = Train(true);
        var off = Train(false);
        on.Loss.Should().Be(off.Loss);
        on.Parameters.Should().Equal(off.Parameters);
    }
}
