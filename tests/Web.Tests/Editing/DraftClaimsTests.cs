using System.Text.Json.Nodes;
using Dashboard.Domain.Claims;
using Dashboard.Domain.Families;
using Dashboard.Web.Editing;

namespace Dashboard.Web.Tests.Editing;

/// <summary>A preset picked in the form brings its seed claims into the request (and its JSON/YAML); another preset takes them away.</summary>
public sealed class DraftClaimsTests
{
    private static readonly FamilyCatalogue Catalogue = FamilyCatalogue.BuiltIn();

    [Fact]
    public void A_seed_preset_in_the_form_sends_its_claims_and_a_preset_without_claims_sends_none()
    {
        var family = Catalogue.Get("residual-streams");
        var draft = ExperimentDraft.For(family, family.Presets.Single(p => p.Name == "depth-sweep"));
        var claims = ClaimJson.Parse(draft.ToRequest()["claims"]);
        claims.Select(c => c.Name).Should().Equal(ResidualStreamsSeedClaims.DepthSweep.Select(c => c.Name));

        draft.ApplyPreset(family.Presets.Single(p => p.Name == "tiny"));
        draft.ToRequest().ContainsKey("claims").Should().BeFalse();
    }

    [Fact]
    public void A_request_naming_a_preset_keeps_its_own_claims_or_gets_the_presets()
    {
        var fromPreset = ExperimentDraft.FromRequest(new JsonObject { ["family"] = "ngpt", ["preset"] = "optimization-sweep" }, Catalogue);
        ClaimJson.Parse(fromPreset.ToRequest()["claims"]).Should().HaveCount(NGptSeedClaims.OptimizationSweep.Count);

        var own = ExperimentDraft.FromRequest(new JsonObject
        {
            ["family"] = "ngpt", ["preset"] = "optimization-sweep",
            ["claims"] = JsonNode.Parse("""[{"name": "mine", "statement": "s", "metric": "val/loss", "test": "<= 3"}]"""),
        }, Catalogue);
        ClaimJson.Parse(own.ToRequest()["claims"]).Single().Name.Should().Be("mine");
    }
}
