using System.Text.Json.Nodes;
using Dashboard.Domain.Families;

namespace Dashboard.Domain.Tests.Families;

/// <summary>ConfigField.UsedWithVariants (and UsedWithArchitectures) as the families mark them, checked against what their executors read.</summary>
public sealed class VariantFieldsTests
{
    [Fact]
    public void Each_variant_sets_apart_the_fields_it_does_not_read()
    {
        var harmonic = new HarmonicFamily();
        var field = harmonic.FieldsNotUsedBy(harmonic.WithDefaults([]));
        field.Should().Contain(["model", "layers", "steps", "learning_rate", "cuda_graph", "precision"])
            .And.NotContain(["variant", "seed", "nodes", "trials", "trial_batch", "detector"]);
        var gpt = harmonic.FieldsNotUsedBy(harmonic.WithDefaults(new JsonObject { ["variant"] = "gpt" }));
        gpt.Should().BeEquivalentTo(["nodes", "modes", "timesteps", "trials", "detector", "trial_batch", "activity"]);
        field.Concat(gpt).Should().OnlyHaveUniqueItems("no field belongs to neither variant");
        var ngpt = new NGptFamily();
        ngpt.FieldsNotUsedBy(ngpt.WithDefaults([])).Should().BeEmpty("nGPT reads every field");
        ngpt.FieldsNotUsedBy(ngpt.WithDefaults(new JsonObject { ["variant"] = "gpt" }))
            .Should().Equal(["projection_every", "alpha_shape", "alpha_init", "logit_scale"], "the GPT baseline has no α, s_z or projection");
        var streams = new ResidualStreamsFamily();
        streams.FieldsNotUsedBy(streams.WithDefaults([])).Should().Equal(["hc_init_noise"], "mHC starts from uniform logits");
        streams.FieldsNotUsedBy(streams.WithDefaults(new JsonObject { ["variant"] = "hc" }))
            .Should().Equal(["sinkhorn_iterations", "hc_init_noise"], "the seed's HC starts from logits 2I − 1, no noise");
        streams.FieldsNotUsedBy(streams.WithDefaults(new JsonObject { ["variant"] = "hc", ["architecture"] = "mlp" }))
            .Should().Equal(["d_ff", "heads", "sinkhorn_iterations"], "the MLP port has no attention and a 4 × width MLP");
        streams.FieldsNotUsedBy(streams.WithDefaults(new JsonObject { ["variant"] = "baseline" }))
            .Should().Equal(["streams", "sinkhorn_iterations", "hc_init_noise"]);
        streams.FieldsNotUsedBy(new JsonObject { ["variant"] = "hc" })
            .Should().Equal(["sinkhorn_iterations", "hc_init_noise"], "a stored config without architecture runs the default, seed");
    }
}
