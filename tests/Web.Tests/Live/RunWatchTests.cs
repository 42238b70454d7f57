using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dashboard.Domain.Metrics;
using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Metrics;
using Dashboard.Web.Live;
using Dashboard.Web.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Live;

/// <summary>A page's watch on the app's real LISTEN feed: only its runs, coalesced to at most ten a second, and quiet once disposed.</summary>
public sealed class RunWatchTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private async Task<long> NewRunAsync()
    {
        var response = await app.CreateMemberClient().PostAsJsonAsync("/api/experiments",
            JsonNode.Parse("""{"family": "command", "config": {"command": "true"}, "schedule": "tonight"}"""));
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["runs"]![0]!["id"]!.GetValue<long>();
    }

    /// <summary>One batch per step, all at once, as several workers' batches arrive together.</summary>
    private async Task WriteBurstAsync(IEnumerable<long> runIds, IEnumerable<int> steps)
    {
        await using var dataSource = DatabaseConnection.Create(app.ConnectionString);
        var writer = new MetricWriter(dataSource);
        await Task.WhenAll(runIds.SelectMany(id => steps.Select(step =>
            writer.WriteAsync([new MetricPoint(id, $"loss{step}", step, 1, DateTimeOffset.UtcNow)]))));
    }

    [Fact]
    public async Task A_burst_of_batches_reaches_the_page_coalesced_and_nothing_after_dispose()
    {
        var feed = app.Services.GetRequiredService<RunChangeFeed>();
        await feed.Listening.WaitAsync(TimeSpan.FromSeconds(15));
        var mine = await NewRunAsync();
        var notMine = await NewRunAsync();
        var batches = new ConcurrentQueue<(DateTime At, RunChanges Changes)>();
        var watch = new RunWatch(feed, [mine], changes =>
        {
            batches.Enqueue((DateTime.UtcNow, changes));
            return Task.CompletedTask;
        });

        var started = DateTime.UtcNow;
        await WriteBurstAsync([mine, notMine], Enumerable.Range(0, 30));
        var elapsed = DateTime.UtcNow - started;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!batches.Any(b => b.Changes.MetricRuns.Contains(mine)) && DateTime.UtcNow < deadline) await Task.Delay(50);
        await Task.Delay(RunWatch.Interval * 3);
        await watch.DisposeAsync();
        var seen = batches.Count;
        await WriteBurstAsync([mine], [1000]);
        await Task.Delay(RunWatch.Interval * 5);

        batches.Should().NotBeEmpty();
        batches.Should().OnlyContain(b => b.Changes.MetricRuns.SetEquals(new[] { mine }) && b.Changes.StateRuns.Count == 0);
        batches.Count.Should().BeLessThan(30, "30 batches are coalesced")
            .And.BeLessThanOrEqualTo((int)(elapsed / RunWatch.Interval) + 3, "one batch per interval, plus the first and the last");
        var times = batches.Select(b => b.At).ToList();
        // At most ten redraws a second. Timestamps are taken inside the handler, so a thread preempted between the
        // coalescer's clock read and the handler (a loaded CI machine) shortens one gap and lengthens the next: bound
        // each gap loosely and the average tightly.
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToList();
        gaps.Should().OnlyContain(gap => gap >= RunWatch.Interval * 0.4, "no two redraws back to back");
        if (gaps.Count > 0)
            (times[^1] - times[0]).Should().BeGreaterThanOrEqualTo(RunWatch.Interval * (0.9 * gaps.Count), "at most ten redraws a second");
        batches.Count.Should().Be(seen, "a disposed watch hears nothing");
    }
}
