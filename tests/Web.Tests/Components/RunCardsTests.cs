using Dashboard.Domain.Experiments;
using Dashboard.Domain.Runs;
using Dashboard.Domain.Workers;
using Dashboard.Infrastructure.Artifacts;
using Dashboard.Infrastructure.Reading;
using Dashboard.Web.Components.RunView;

namespace Dashboard.Web.Tests.Components;

public sealed class RunCardsTests
{
    private static RunDetail Detail(string summary, RunState state = RunState.Succeeded, WorkerInfo? worker = null) => new(
        new Run
        {
            Id = 9, ExperimentId = 2, Family = "residual_streams", Config = "{}", State = state, Attempts = 2, MaxAttempts = 3,
            Summary = summary, CreatedAt = new DateTimeOffset(2026, 11, 30, 20, 0, 0, TimeSpan.Zero),
            StartedAt = new DateTimeOffset(2026, 11, 30, 20, 1, 0, TimeSpan.Zero),
            FinishedAt = new DateTimeOffset(2026, 11, 30, 20, 4, 30, TimeSpan.Zero), WorkerId = worker?.Id,
        },
        new Experiment { Id = 2, Name = "depth sweep", Family = "residual_streams", Config = "{}" },
        worker);

    [Fact]
    public async Task Facts_show_timings_attempts_worker_and_what_the_run_reported()
    {
        var worker = new WorkerInfo { Id = 4, Name = "gpu-0", Host = "box", Device = "cuda:0", GpuName = "H100", GpuMemoryMb = 81559 };
        var html = await MarkupDocument.RenderAsync<RunFactsCard>(new Dictionary<string, object?>
        {
            [nameof(RunFactsCard.Detail)] = Detail("""{"parameters": 1234567, "peak_gpu_memory_mb": 2048.5, "final": {"loss": 0.4321, "grad_norm": "NaN"}}""", worker: worker),
        });
        html.QuerySelector("[data-testid=run-attempts]")!.Text().Should().Be("2 of 3");
        html.QuerySelector("[data-testid=run-duration]")!.Text().Should().Be("3 min 30 s");
        html.QuerySelector("[data-testid=run-worker]")!.Text().Should().Be("gpu-0 on box · cuda:0 · H100 (81,559 MiB)");
        var reported = html.QuerySelectorAll("[data-testid=run-summary] tr").Select(Cells).ToList();
        reported.Should().Equal("Parameters 1,234,567", "Peak GPU memory (MiB) 2,048.5");
        html.QuerySelectorAll("[data-testid=run-final-metrics] tr").Select(Cells).Should().Equal("loss 0.4321", "grad_norm NaN");
    }

    [Fact]
    public async Task Config_sets_apart_the_fields_the_run_does_not_read()
    {
        var html = await MarkupDocument.RenderAsync<RunConfigCard>(new Dictionary<string, object?>
        {
            [nameof(RunConfigCard.Config)] = """{"variant": "field", "trials": 16, "layers": 4, "steps": 5000}""",
            [nameof(RunConfigCard.AxisKeys)] = new HashSet<string> { "trials" },
            [nameof(RunConfigCard.UnusedKeys)] = new HashSet<string> { "layers", "steps" },
        });
        html.QuerySelectorAll("[data-testid=run-config] > .table-wrap tr").Select(Cells).Should().Equal("variant field", "trials 16sweep");
        var unused = html.QuerySelector("[data-testid=config-unused]")!;
        unused.QuerySelector("summary")!.Text().Should().Be("2 fields this run does not read (its variant or architecture ignores them)");
        unused.QuerySelectorAll("tr").Select(Cells).Should().Equal("layers 4", "steps 5000");
    }

    private static string Cells(AngleSharp.Dom.IElement row) => string.Join(' ', row.Children.Select(c => c.Text()));

    [Fact]
    public async Task A_run_that_reported_nothing_has_no_summary_tables()
    {
        var html = await MarkupDocument.RenderAsync<RunFactsCard>(new Dictionary<string, object?> { [nameof(RunFactsCard.Detail)] = Detail("{}", RunState.Queued) });
        html.QuerySelector("[data-testid=run-summary]").Should().BeNull();
        html.QuerySelector("[data-testid=run-worker]")!.Text().Should().Be("not claimed yet");
    }

    [Fact]
    public async Task The_log_card_shows_the_tail_and_says_when_it_is_cut()
    {
        var html = await MarkupDocument.RenderAsync<RunLogCard>(new Dictionary<string, object?>
        {
            [nameof(RunLogCard.Tail)] = new RunLogTail(["step 9", "step 10 <b>"], 200_000, true),
            [nameof(RunLogCard.Live)] = true,
        });
        html.QuerySelector("[data-testid=run-log]")!.TextContent.Should().Be("step 9\nstep 10 <b>", "log text is escaped, never markup");
        html.QuerySelector(".card-head .muted")!.Text().Should().Contain("live").And.Contain("last 2 lines of 195.3 KiB");

        var empty = await MarkupDocument.RenderAsync<RunLogCard>(new Dictionary<string, object?> { [nameof(RunLogCard.Tail)] = RunLogTail.None, [nameof(RunLogCard.Finished)] = true });
        empty.QuerySelector("[data-testid=run-log]")!.Text().Should().Be("This run wrote no log.");
    }
}
