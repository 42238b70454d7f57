using Dashboard.Domain;
using Dashboard.Infrastructure.Reading;
using Dashboard.Testing;

namespace Dashboard.Infrastructure.Tests.Reading;

public sealed class ExperimentListTests : ReadingTestBase
{
    private async Task<long> AddAsync(string name, int runs, string[] tags, string owner = "", string notes = "")
    {
        var enqueued = await Queue.EnqueueAsync(Submissions.Command(runs: runs) with { Name = name, Tags = tags, Owner = owner, Notes = notes });
        Clock.Advance(TimeSpan.FromMinutes(1));
        return enqueued.ExperimentId;
    }

    [Fact]
    public async Task Search_filters_sorting_and_paging_combine()
    {
        var a = await AddAsync("lr sweep", 3, ["baseline"], "ada", "50% of the data");
        var b = await AddAsync("depth sweep", 5, ["depth", "baseline"], "grace");
        var c = await AddAsync("single", 1, [], "ada", "see lr sweep");
        var worker = await RegisterWorkerAsync();
        await Queue.ClaimAsync(worker, Cpu); // a's first run
        var list = new ExperimentList(Db, DataSource);

        async Task<IReadOnlyList<long>> Ids(ExperimentListQuery query) =>
            (await list.ReadAsync(query)).Items.Select(i => i.Experiment.Id).ToList();

        (await Ids(new() { Search = "LR" })).Should().Equal(c, a);
        (await Ids(new() { Search = "50%" })).Should().Equal(a);
        (await Ids(new() { Search = "_" })).Should().BeEmpty("an underscore is text, not a wildcard");
        (await Ids(new() { Tag = "baseline", Sort = "name" })).Should().Equal(b, a);
        (await Ids(new() { Owner = "ada", Sort = "created" })).Should().Equal(a, c);
        (await Ids(new() { State = "running" })).Should().Equal(a);
        (await Ids(new() { Sort = "-runs" })).Should().Equal(b, a, c);
        (await Ids(new() { Sort = "runs" })).Should().Equal(c, a, b);

        var page = await list.ReadAsync(new() { PageSize = 2, Page = 2 });
        (page.Total, page.Pages, page.Items.Single().Experiment.Id).Should().Be((3, 2, a));
        var withCounts = (await list.ReadAsync(new() { Search = "lr sweep", Sort = "created" })).Items[0];
        withCounts.RunStates.Should().BeEquivalentTo(new Dictionary<Domain.Runs.RunState, int>
            { [Domain.Runs.RunState.Running] = 1, [Domain.Runs.RunState.Queued] = 2 });

        var facets = await list.FacetsAsync();
        (facets.Families, facets.Tags, facets.Owners).Should().BeEquivalentTo((new[] { "command" }, new[] { "baseline", "depth" }, new[] { "ada", "grace" }));
    }

    [Theory]
    [InlineData("exploded", null, "state")]
    [InlineData(null, "colour", "sort")]
    public async Task Unknown_states_and_sorts_name_the_field(string? state, string? sort, string field)
    {
        var act = () => new ExperimentList(Db, DataSource).ReadAsync(new() { State = state, Sort = sort ?? "-created" });
        (await act.Should().ThrowAsync<InvalidInputException>()).Which.Errors.Single().Field.Should().Be(field);
    }
}
