using System.Text.Json.Nodes;
using Dashboard.Domain.Families;
using Dashboard.Domain.Scheduling;
using Dashboard.Worker.Experiments.Hhml;

namespace Dashboard.Worker.Tests.Experiments;

/// <summary>The check a worker makes before it allocates anything: does this config fit the GPU it claimed the run on?</summary>
public sealed class HhmlMemoryTests
{
    private static readonly WorkerDevice H100 = new(DeviceKind.Cuda, 0, 81_559, "NVIDIA H100 80GB HBM3");
    private static readonly WorkerDevice Small = new(DeviceKind.Cuda, 1, 24_576, "NVIDIA L4");

    private static HhmlConfig Preset(string name, JsonObject? changes = null)
    {
        var config = (JsonObject)new HhmlFamily().Presets.Single(p => p.Name == name).Config.DeepClone();
        foreach (var (k, v) in changes ?? []) config[k] = v?.DeepClone();
        return HhmlConfig.From(config);
    }

    [Fact]
    public void The_estimate_counts_the_radius_queries_blocks_as_the_reference_path_makes_them() =>
        HhmlScale.QualityTileElements.Should().Be(Dashboard.Torch.PointCloud.TileElements);

    [Fact]
    public void The_scaled_run_fits_an_80_GB_card_and_not_a_24_GB_one_which_is_told_why()
    {
        HhmlExecutor.DoesNotFit(Preset("h200-scaled"), H100).Should().BeNull();
        HhmlExecutor.DoesNotFit(Preset("baseline"), Small).Should().BeNull();
        var reason = HhmlExecutor.DoesNotFit(Preset("h200-scaled"), Small);
        reason.Should().NotBeNull().And.Contain("cuda:1 (NVIDIA L4, 24576 MiB)").And.Contain("weights 4.9 GB").And.Contain("Adam state 8.7 GB");
    }

    [Fact]
    public void Twice_the_hidden_size_does_not_fit_even_an_80_GB_card()
    {
        HhmlExecutor.DoesNotFit(Preset("h200-scaled", new JsonObject { ["hidden"] = 12_288 }), H100)
            .Should().Contain("needs about").And.Contain("more than cuda:0");
    }
}
