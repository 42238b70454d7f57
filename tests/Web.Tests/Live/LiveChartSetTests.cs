using Dashboard.Domain.Metrics;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Infrastructure.Queue;
using Dashboard.Testing;
using Dashboard.Web.Components.Metrics;
using Npgsql;

namespace Dashboard.Web.Tests.Live;

/// <summary>What a live page draws, against a real PostgreSQL: first load downsampled, then only new steps.</summary>
public sealed class LiveChartSetTests : IAsyncLifetime
{
    private NpgsqlDataSource dataSource = null!;
    private long run;
    private readonly DateTimeOffset start = DateTimeOffset.UtcNow;

    public async Task InitializeAsync()
    {
        dataSource = DatabaseConnection.Create(await MigratedDatabase.CreateAsync("livechart"));
        run = (await new RunQueue(dataSource).EnqueueAsync(Submissions.Command())).RunIds[0];
    }

    public async Task DisposeAsync() => await dataSource.DisposeAsync();

    private Task WriteAsync(string key, int from, int count) => new MetricWriter(dataSource).WriteAsync(
        Enumerable.Range(from, count).Select(s => new MetricPoint(run, key, s, 1.0 / (s + 1), start.AddSeconds(s))).ToList());

    private LiveChartSet NewSet(int maxPoints = 100) =>
        new(new MetricQueries(dataSource), keys => MetricGroups.ForRun(run, keys.GetValueOrDefault(run, []).Select(s => s.Key)), maxPoints);

    [Fact]
    public async Task Loads_downsampled_then_appends_only_the_steps_after_those_drawn()
    {
        await WriteAsync("loss", 0, 1000);
        await WriteAsync("val/loss", 0, 10);
        var set = NewSet();
        await set.LoadAsync([run], XAxisMode.Step);
        set.Groups.Should().ContainSingle().Which.Traces.Select(t => t.Spec.Key).Should().Equal("loss", "val/loss");
        set.Groups[0].Traces[0].Points.Count.Should().BeLessThanOrEqualTo(100);
        set.Groups[0].Drawn[0].X[^1].Should().Be(999);

        await WriteAsync("loss", 1000, 5);
        var update = await set.FetchNewAsync([run]);
        update.ChartsChanged.Should().BeFalse();
        var append = update.Appends.Should().ContainSingle().Subject;
        append.TraceIndexes.Should().Equal(0);
        append.Xs[0].Should().Equal(1000, 1001, 1002, 1003, 1004);
        append.Ys[0][0].Should().Be(1.0 / 1001);
        set.Latest(run, "loss")!.LastStep.Should().Be(1004);

        (await set.FetchNewAsync([run])).Appends.Should().BeEmpty("nothing new was stored");
        (await set.FetchNewAsync([run + 1])).Should().Be(LiveUpdate.Nothing, "another run is not on this page");
    }

    [Fact]
    public async Task A_new_key_changes_the_charts_and_a_line_past_twice_its_budget_is_reloaded_downsampled()
    {
        await WriteAsync("loss", 0, 50);
        var set = NewSet(maxPoints: 100);
        await set.LoadAsync([run], XAxisMode.Step);

        await WriteAsync("grad_norm", 0, 3);
        (await set.FetchNewAsync([run])).ChartsChanged.Should().BeTrue();
        await set.LoadAsync([run], XAxisMode.Step);
        set.Groups.Select(g => g.Id).Should().Equal("loss", "grad_norm");

        for (var i = 0; i < 3; i++)
        {
            await WriteAsync("loss", 50 + i * 50, 50);
            (await set.FetchNewAsync([run])).Reloaded.Should().BeEmpty();
        }
        await WriteAsync("loss", 200, 50); // 250 points drawn > 2 × 100
        var update = await set.FetchNewAsync([run]);
        update.Reloaded.Select(g => g.Id).Should().Equal("loss");
        set.Groups[0].Traces[0].Points.Count.Should().BeLessThanOrEqualTo(100);
        set.Groups[0].Traces[0].LastStep.Should().Be(249);
    }
}
