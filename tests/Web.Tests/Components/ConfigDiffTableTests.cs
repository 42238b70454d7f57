using Dashboard.Web.Components.Compare;

namespace Dashboard.Web.Tests.Components;

public sealed class ConfigDiffTableTests
{
    private static readonly string[] Configs =
    [
        """{"lr": 0.01, "depth": 4, "model": {"width": 512, "heads": 8}, "seed": 0}""",
        """{"lr": 0.001, "depth": 4, "model": {"width": 512, "heads": 8}, "seed": 1}""",
        """{"lr": 0.01, "depth": 4, "model": {"width": 1024, "heads": 8}}""",
    ];

    private static Task<AngleSharp.Dom.IDocument> RenderAsync(IReadOnlyList<string> configs, bool showAll = false) =>
        MarkupDocument.RenderAsync<ConfigDiffTable>(new Dictionary<string, object?>
        {
            [nameof(ConfigDiffTable.Columns)] = configs.Select((_, i) => $"run {i}").ToList(),
            [nameof(ConfigDiffTable.Rows)] = ConfigDiff.Of(configs),
            [nameof(ConfigDiffTable.ShowAllInitially)] = showAll,
        });

    [Fact]
    public async Task Only_differing_fields_are_shown_and_highlighted_by_default()
    {
        var html = await RenderAsync(Configs);
        var rows = html.QuerySelectorAll("[data-testid=config-diff-row]");
        rows.Select(r => r.GetAttribute("data-key")).Should().Equal("lr", "model.width", "seed");
        rows[0].QuerySelectorAll("td").Select(td => td.Text()).Should().Equal("0.01", "0.001", "0.01");
        rows[0].QuerySelectorAll("td.differs").Should().HaveCount(3);
        rows[2].QuerySelectorAll("td").Select(td => td.Text()).Should().Equal(["0", "1", "—"], "a run without the field shows a dash");
        html.QuerySelectorAll("thead th").Select(th => th.Text()).Should().Equal("Field", "run 0", "run 1", "run 2");
        html.QuerySelector("p.muted")!.Text().Should().Be("3 of 5 fields differ.");
    }

    [Fact]
    public async Task Show_all_lists_agreeing_fields_too_unhighlighted()
    {
        var html = await RenderAsync(Configs, showAll: true);
        var rows = html.QuerySelectorAll("[data-testid=config-diff-row]");
        rows.Select(r => r.GetAttribute("data-key")).Should().Equal("lr", "depth", "model.width", "model.heads", "seed");
        rows[1].QuerySelectorAll("td.differs").Should().BeEmpty();
        html.QuerySelector("[data-testid=config-diff-all]")!.HasAttribute("checked").Should().BeTrue();
    }

    [Fact]
    public async Task Identical_configs_say_so_instead_of_an_empty_table()
    {
        var html = await RenderAsync([Configs[0], Configs[0]]);
        html.QuerySelector("table").Should().BeNull();
        html.QuerySelector("[data-testid=config-diff-same]")!.Text().Should().Contain("Same config").And.Contain("All 2 runs");
    }

    [Fact]
    public void Distinguishing_names_the_short_differing_fields_of_each_run()
    {
        var rows = ConfigDiff.Of([.. Configs, """{"lr": 0.01, "depth": 4, "model": {"width": 512, "heads": 8}, "command": "python3 train.py --a very long command line"}"""]);
        ConfigDiff.Distinguishing(rows, 4).Should().Equal("lr=0.01, model.width=512, seed=0", "lr=0.001, model.width=512, seed=1",
            "lr=0.01, model.width=1024", "lr=0.01, model.width=512");
    }

    [Fact]
    public async Task A_field_a_run_does_not_read_is_marked_and_is_no_difference()
    {
        // An nGPT run and two GPT baselines: alpha_init differs only where the baselines ignore it; lr differs among
        // the runs that read it.
        string[] configs =
        [
            """{"variant": "ngpt", "alpha_init": 0.05, "lr": 0.01}""",
            """{"variant": "gpt", "alpha_init": 0.5, "lr": 0.01}""",
            """{"variant": "gpt", "alpha_init": 0.05, "lr": 0.02}""",
        ];
        IReadOnlyList<IReadOnlySet<string>> unread = [new HashSet<string>(), new HashSet<string> { "alpha_init" }, new HashSet<string> { "alpha_init" }];
        var rows = ConfigDiff.Of(configs, unread);
        rows.Where(r => r.Differs).Select(r => r.Key).Should().Equal("variant", "lr");
        ConfigDiff.Distinguishing(rows, 3).Should().Equal("variant=ngpt, lr=0.01", "variant=gpt, lr=0.01", "variant=gpt, lr=0.02");

        var html = await MarkupDocument.RenderAsync<ConfigDiffTable>(new Dictionary<string, object?>
        {
            [nameof(ConfigDiffTable.Columns)] = new[] { "a", "b", "c" },
            [nameof(ConfigDiffTable.Rows)] = rows,
            [nameof(ConfigDiffTable.ShowAllInitially)] = true,
        });
        var alpha = html.QuerySelector("[data-testid=config-diff-row][data-key=alpha_init]")!;
        alpha.ClassList.Should().NotContain("differs");
        alpha.QuerySelectorAll("td.unread").Select(td => td.Text()).Should().Equal("0.5 (not read)", "0.05 (not read)");
        alpha.QuerySelectorAll("td").First().Text().Should().Be("0.05");
        html.QuerySelector("p.muted")!.Text().Should().StartWith("2 of 3 fields differ");
    }
}
