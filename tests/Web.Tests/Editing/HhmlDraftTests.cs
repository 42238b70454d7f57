using Dashboard.Domain.Families;
using Dashboard.Web.Editing;

namespace Dashboard.Web.Tests.Editing;

public sealed class HhmlDraftTests
{
    [Fact]
    public void An_hhml_preset_fills_in_the_seeds_30_minute_limit_and_the_request_carries_it()
    {
        var family = FamilyCatalogue.BuiltIn().Get("hhml");
        var draft = ExperimentDraft.For(family, family.Presets.Single(p => p.Name == "h200-scaled"));
        draft.TimeLimitMinutes.Should().Be("30");
        draft.ToRequest()["time_limit_seconds"]!.GetValue<long>().Should().Be(1800);
        draft.ToRequest()["sweep"]!["axes"]!["mode"]!.AsArray().Select(v => v!.GetValue<string>()).Should().Equal("as-run", "intended");
    }
}
