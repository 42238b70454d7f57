using Bunit;
using Dashboard.Domain.Families;
using Dashboard.Web.Components.Experiments;
using Dashboard.Web.Editing;
using Dashboard.Web.Tests.Support;

namespace Dashboard.Web.Tests.Components.Interactions;

public sealed class SweepEditorTests
{
    [Fact]
    public void Axes_and_seeds_typed_in_the_editor_become_the_sweep_and_a_removed_axis_leaves_it()
    {
        using var context = ComponentContext.Create();
        var draft = ExperimentDraft.For(new CommandFamily());
        var changed = new List<string>();
        var editor = context.Render<SweepEditor>(p => p
            .Add(x => x.Draft, draft)
            .Add(x => x.OnChanged, (string key) => changed.Add(key)));

        editor.Find("[data-testid=sweep-axis-add]").Click();
        editor.Find("[data-testid=sweep-axis-field]").Input("lr");
        editor.Find("[data-testid=sweep-axis-values]").Input("0.1, 0.01");
        editor.Find(".axis-count").TextContent.Should().Be("2 values");
        editor.Find("[data-testid=sweep-seeds]").Input("3");
        draft.Sweep()!.ToJsonString().Should().Be("""{"axes":{"lr":[0.1,0.01]},"seeds":3}""");
        changed.Should().Contain(["sweep.axes.lr", "sweep.seeds"]);

        editor.Find("[aria-label='Remove axis']").Click();
        editor.FindAll("[data-testid=sweep-axis]").Should().BeEmpty();
        draft.Sweep()!.ToJsonString().Should().Be("""{"seeds":3}""");
    }
}
