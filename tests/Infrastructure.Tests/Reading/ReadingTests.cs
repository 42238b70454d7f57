using Dashboard.Domain.Runs;
using Dashboard.Infrastructure.Artifacts;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Reading;
using Dashboard.Infrastructure.Tests.Queue;
using Dashboard.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Dashboard.Infrastructure.Tests.Reading;

/// <summary>The queries behind the run and compare pages, against the real schema.</summary>
public sealed class ReadingTests : QueueTestBase
{
    private IDbContextFactory<DashboardDbContext> Contexts => new PooledDbContextFactory<DashboardDbContext>(
        new DbContextOptionsBuilder<DashboardDbContext>().UseNpgsql(DataSource).Options);

    private async Task<IReadOnlyList<long>> EnqueueAsync(string name, int runs = 1) =>
        (await Queue.EnqueueAsync(Submissions.Command(runs: runs) with { Name = name })).RunIds;

    [Fact]
    public async Task Run_details_come_in_the_asked_order_with_their_experiment_and_worker()
    {
        var first = await EnqueueAsync("alpha");
        var second = await EnqueueAsync("beta");
        var worker = await RegisterWorkerAsync();
        var claimed = await Queue.ClaimAsync(worker, Cpu);
        claimed!.RunId.Should().Be(first[0]);

        var details = await new RunDetailQuery(Contexts).GetManyAsync([second[0], first[0], 999_999]);
        details.Select(d => d.Run.Id).Should().Equal(second[0], first[0]);
        details[0].Experiment.Name.Should().Be("beta");
        details[0].Worker.Should().BeNull();
        details[1].Worker!.Id.Should().Be(worker);
        (await new RunDetailQuery(Contexts).GetAsync(999_999)).Should().BeNull();
    }

    [Fact]
    public async Task Run_search_finds_by_experiment_name_run_id_family_and_state()
    {
        var sweep = await EnqueueAsync("depth sweep 50%", runs: 3);
        var other = await EnqueueAsync("lr sweep");
        await Queue.CancelAsync(sweep[1]);
        var search = new RunSearchQuery(Contexts);

        (await search.SearchAsync("DEPTH", null, null)).Select(h => h.RunId).Should().Equal(sweep.Reverse());
        (await search.SearchAsync("50%", null, null)).Should().HaveCount(3, "% is matched literally");
        (await search.SearchAsync("5_%", null, null)).Should().BeEmpty("_ is matched literally");
        (await search.SearchAsync($"#{other[0]}", null, null)).Single().ExperimentName.Should().Be("lr sweep");
        (await search.SearchAsync("sweep", null, RunState.Cancelled)).Single().RunId.Should().Be(sweep[1]);
        (await search.SearchAsync(null, "command", null, limit: 2)).Should().HaveCount(2);
        (await search.SearchAsync(null, "residual_streams", null)).Should().BeEmpty();
    }

    [Fact]
    public async Task Run_status_reads_state_and_step()
    {
        var runs = await EnqueueAsync("status", runs: 2);
        await Queue.CancelAsync(runs[1]);
        var status = await new RunStatusQuery(DataSource).ReadAsync([runs[1], runs[0], 424242]);
        status.Should().Equal(new RunStatus(runs[0], "queued", null), new RunStatus(runs[1], "cancelled", null));
    }

    [Fact]
    public async Task Log_tail_reads_the_end_of_a_log_being_written_and_an_absent_log_as_empty()
    {
        var root = Path.Combine(Path.GetTempPath(), "tail-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new ArtifactStore(DataSource, root);
            (await RunLogTail.ReadAsync(store, 7)).Should().Be(RunLogTail.None);
            Directory.CreateDirectory(store.RunFolder(7));
            var path = store.PathOf(7, RunLogTail.FileName);
            // Held open for writing, as the worker does while the run goes on.
            await using (var writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)))
            {
                for (var i = 0; i < 1000; i++) await writer.WriteLineAsync($"line {i}");
                await writer.FlushAsync();
                var tail = await RunLogTail.ReadAsync(store, 7, maxBytes: 100);
                tail.Truncated.Should().BeTrue();
                tail.Lines[^1].Should().Be("line 999");
                tail.Lines.Should().OnlyContain(l => l.StartsWith("line ")).And.HaveCountLessThan(15);
                tail.TotalBytes.Should().Be(new FileInfo(path).Length);
            }
            var whole = await RunLogTail.ReadAsync(store, 7);
            whole.Truncated.Should().BeFalse();
            whole.Lines.Should().HaveCount(1000).And.StartWith("line 0");
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}
