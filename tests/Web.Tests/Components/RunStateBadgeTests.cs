using Dashboard.Web.Components.Runs;
using Dashboard.Web.Tests.Support;

namespace Dashboard.Web.Tests.Components;

public sealed class RunStateBadgeTests
{
    private static Task<string> Render(string state, bool cancelRequested = false, string? reason = null) =>
        Markup.RenderAsync<RunStateBadge>(new Dictionary<string, object?>
        {
            [nameof(RunStateBadge.State)] = state,
            [nameof(RunStateBadge.CancelRequested)] = cancelRequested,
            [nameof(RunStateBadge.Reason)] = reason,
        });

    [Fact]
    public async Task A_state_reads_as_words_with_its_colour_class_and_test_hook()
    {
        var html = await Render("timed_out", reason: "over the 60 s limit");
        html.Should().Be("<span class=\"badge timed_out\" data-testid=\"run-state\" data-state=\"timed_out\" title=\"over the 60 s limit\">timed out</span>");
    }

    [Fact]
    public async Task A_running_run_asked_to_cancel_reads_cancelling()
    {
        var html = await Render("running", cancelRequested: true);
        html.Should().Contain("class=\"badge running\"").And.Contain(">cancelling</span>").And.Contain("stops it within seconds");
        (await Render("succeeded", cancelRequested: true)).Should().Contain(">succeeded</span>");
    }
}
