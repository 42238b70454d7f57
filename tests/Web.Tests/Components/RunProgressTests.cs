using Dashboard.Web.Components.Runs;
using Dashboard.Web.Tests.Support;

namespace Dashboard.Web.Tests.Components;

public sealed class RunProgressTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);

    private static Task<string> Render(string state, long? step, long? total, DateTimeOffset? startedAt, DateTimeOffset now) =>
        Markup.RenderAsync<RunProgress>(new Dictionary<string, object?>
        {
            [nameof(RunProgress.State)] = state,
            [nameof(RunProgress.Step)] = step,
            [nameof(RunProgress.TotalSteps)] = total,
            [nameof(RunProgress.StartedAt)] = startedAt,
            [nameof(RunProgress.Now)] = now,
        });

    [Fact]
    public async Task A_running_run_shows_step_of_total_a_bar_and_its_eta()
    {
        // 2,500 of 10,000 steps in 10 minutes: 7,500 more take 30 minutes at that rate.
        var html = await Render("running", 2500, 10_000, Start, Start.AddMinutes(10));
        html.Should().Contain("aria-valuenow=\"25\"").And.Contain("style=\"width:25%\"");
        html.Should().Contain("2,500 / 10,000").And.Contain("ETA 30 min");
    }

    [Fact]
    public async Task Waiting_and_unknown_totals_say_so_without_a_bar()
    {
        var waiting = await Render("queued", null, 200, null, Start);
        waiting.Should().Contain("waiting · 200 steps").And.NotContain("role=\"progressbar\"");
        var noTotal = await Render("running", 40, null, Start, Start.AddSeconds(4));
        noTotal.Should().Contain(">40</span>").And.NotContain("ETA").And.NotContain("progressbar");
        var done = await Render("succeeded", 199, 200, Start, Start.AddHours(1));
        done.Should().Contain("aria-valuenow=\"100\"").And.Contain("class=\"done\"").And.NotContain("ETA")
            .And.Contain("200 / 200", "a finished run shows T of T, though its last point is step T-1");
    }
}
