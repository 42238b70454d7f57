using System.Text.Json.Nodes;
using Dashboard.Domain;
using Dashboard.Domain.Families;
using Dashboard.Domain.Schedules;
using Dashboard.Infrastructure.Queue;
using Dashboard.Infrastructure.Schedules;
using Dashboard.Infrastructure.Tests.Queue;
using Dashboard.Testing;

namespace Dashboard.Infrastructure.Tests.Schedules;

public sealed class ScheduleFiringTests : QueueTestBase
{
    private static readonly FamilyCatalogue Catalogue = FamilyCatalogue.BuiltIn();

    private ScheduleStore Store => new(DataSource, Clock);
    private ScheduleFiring Firing(ManualClock? clock = null) =>
        new(DataSource, new RunQueue(DataSource, Options, clock ?? Clock), new ScheduleStore(DataSource, clock ?? Clock), Catalogue, clock ?? Clock);

    private static ScheduleDefinition Nightly(string cron = "0 2 * * *", string zone = "UTC", bool skipWhileActive = false,
        MissedOccurrences missed = MissedOccurrences.RunOnce) => new()
    {
        Name = "nightly",
        Cron = cron,
        TimeZone = TimeZoneInfo.FindSystemTimeZoneById(zone),
        Experiment = new JsonObject
        {
            ["family"] = "command",
            ["config"] = new JsonObject { ["command"] = "echo {lr}", ["lr"] = 0.1 },
            ["sweep"] = new JsonObject { ["axes"] = new JsonObject { ["lr"] = new JsonArray(0.1, 0.01) } },
        },
        SkipWhileActive = skipWhileActive,
        Missed = missed,
    };

    private void SetClock(DateTimeOffset at) => Clock.Advance(at - Clock.GetUtcNow());

    private async Task<long> ExperimentsAsync() => await ScalarAsync<long>("SELECT count(*) FROM experiments");

    [Fact]
    public async Task An_occurrence_creates_one_experiment_named_with_its_time_even_when_several_processes_race()
    {
        SetClock(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var id = await Store.CreateAsync(Nightly());
        (await Firing().FireDueAsync()).Should().BeEmpty();

        SetClock(new DateTimeOffset(2026, 11, 23, 2, 0, 3, TimeSpan.Zero));
        // Eight web processes see the same occurrence due at once.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Firing().FireDueAsync())));
        var fired = results.SelectMany(r => r).ToList();
        fired.Should().ContainSingle().Which.Outcome.Should().Be(ScheduleOccurrence.Created);
        (await ExperimentsAsync()).Should().Be(1);
        (await ScalarAsync<string>("SELECT name FROM experiments")).Should().Be("nightly 2026-11-23 02:00");
        (await ScalarAsync<long>("SELECT count(*) FROM runs WHERE state = 'queued'")).Should().Be(2);
        (await Store.FindAsync(id))!.LastOccurrence!.ExperimentId.Should().Be(fired[0].ExperimentId);

        // The next tick finds nothing new; the next night fires again.
        (await Firing().FireDueAsync()).Should().BeEmpty();
        SetClock(new DateTimeOffset(2026, 11, 24, 2, 0, 1, TimeSpan.Zero));
        (await Firing().FireDueAsync()).Should().ContainSingle();
        (await ExperimentsAsync()).Should().Be(2);
    }

    [Fact]
    public async Task Occurrences_missed_while_down_are_created_once_or_skipped_as_the_schedule_says()
    {
        SetClock(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var once = await Store.CreateAsync(Nightly() with { Name = "once" });
        var skip = await Store.CreateAsync(Nightly(missed: MissedOccurrences.Skip) with { Name = "skip" });

        // Down for three nights; started again at 09:00.
        SetClock(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        var fired = await Firing().FireDueAsync();
        fired.Should().HaveCount(2);
        var created = fired.Single(o => o.ScheduleId == once);
        created.Outcome.Should().Be(ScheduleOccurrence.Created);
        created.OccursAt.Should().Be(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));
        created.Detail.Should().Contain("3 occurrences passed");
        var skipped = fired.Single(o => o.ScheduleId == skip);
        skipped.Outcome.Should().Be(ScheduleOccurrence.SkippedMissed);
        skipped.ExperimentId.Should().BeNull();
        (await ExperimentsAsync()).Should().Be(1);
        (await Firing().FireDueAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Skip_while_active_skips_an_occurrence_whose_previous_experiment_still_has_runs_waiting()
    {
        SetClock(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        await Store.CreateAsync(Nightly(cron: "0 * * * *", skipWhileActive: true));
        SetClock(new DateTimeOffset(2026, 11, 22, 13, 0, 1, TimeSpan.Zero));
        var first = (await Firing().FireDueAsync()).Single();
        first.Outcome.Should().Be(ScheduleOccurrence.Created);

        SetClock(new DateTimeOffset(2026, 11, 22, 14, 0, 1, TimeSpan.Zero));
        var second = (await Firing().FireDueAsync()).Single();
        second.Outcome.Should().Be(ScheduleOccurrence.SkippedActive);
        second.Detail.Should().Contain($"#{first.ExperimentId}");

        await Queue.CancelExperimentAsync(first.ExperimentId!.Value);
        SetClock(new DateTimeOffset(2026, 11, 22, 15, 0, 1, TimeSpan.Zero));
        (await Firing().FireDueAsync()).Single().Outcome.Should().Be(ScheduleOccurrence.Created);
    }

    [Fact]
    public async Task A_paused_schedule_fires_nothing_and_does_not_catch_up_on_its_pause_when_resumed()
    {
        SetClock(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var id = await Store.CreateAsync(Nightly());
        await Store.SetEnabledAsync(id, false);
        SetClock(new DateTimeOffset(2026, 11, 23, 2, 0, 1, TimeSpan.Zero));
        (await Firing().FireDueAsync()).Should().BeEmpty();
        (await Store.FindAsync(id))!.NextAfter(Clock.GetUtcNow()).Should().BeNull();

        SetClock(new DateTimeOffset(2026, 11, 23, 2, 3, 0, TimeSpan.Zero));
        await Store.SetEnabledAsync(id, true);
        (await Firing().FireDueAsync()).Should().BeEmpty();
        (await Store.FindAsync(id))!.NextAfter(Clock.GetUtcNow()).Should().Be(new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task Two_thirty_in_Berlin_fires_at_three_on_the_night_the_clocks_skip_it_and_once_when_they_repeat_it()
    {
        var recurrence = CronRecurrence.Parse("30 2 * * *", TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        recurrence.NextAfter(new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero))
            .Should().Be(new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.FromHours(2)));
        recurrence.Between(new DateTimeOffset(2026, 10, 24, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 25, 12, 0, 0, TimeSpan.Zero))
            .Should().ContainSingle();
    }

    [Fact]
    public async Task An_occurrence_whose_experiment_no_longer_validates_is_recorded_as_failed_and_the_next_one_still_fires()
    {
        SetClock(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var definition = Nightly() with { Experiment = new JsonObject { ["family"] = "command", ["config"] = new JsonObject { ["command"] = "" } } };
        var id = await Store.CreateAsync(definition); // stored directly: the API would have refused it
        SetClock(new DateTimeOffset(2026, 11, 23, 2, 0, 1, TimeSpan.Zero));
        var failed = (await Firing().FireDueAsync()).Single();
        failed.Outcome.Should().Be(ScheduleOccurrence.Failed);
        failed.Detail.Should().Contain("config.command");
        (await ExperimentsAsync()).Should().Be(0);
        (await Store.OccurrencesAsync(id)).Should().ContainSingle();
    }

    [Fact]
    public void A_bad_cron_expression_is_refused_naming_where_it_fails()
    {
        CronRecurrence.Problem("0 25 * * *", TimeZoneInfo.Utc).Should().Contain("Hours").And.Contain("between 0 and 23");
        CronRecurrence.Problem("0 2 *", TimeZoneInfo.Utc).Should().Contain("has 3 fields");
        CronRecurrence.Problem("0 2 31 2 *", TimeZoneInfo.Utc).Should().Contain("never occurs");
        CronRecurrence.Problem("0 2 * * 1-5", TimeZoneInfo.Utc).Should().BeNull();

        var act = () => ScheduleRequest.Parse(JsonNode.Parse("""
            {"name": "x", "cron": "61 2 * * *", "time_zone": "Mars/Olympus",
             "experiment": {"family": "command", "config": {}, "schedule": "tonight"}}
            """), Catalogue, DateTimeOffset.UtcNow, new TimeOnly(22, 0), CronRecurrence.Problem);
        var errors = act.Should().Throw<InvalidInputException>().Which.Errors;
        errors.Select(e => e.Field).Should().Contain(["cron", "time_zone", "experiment.schedule", "experiment.config.command"]);
        errors.Single(e => e.Field == "cron").Message.Should().Contain("'61 2 * * *'").And.Contain("Minutes");
    }
}
