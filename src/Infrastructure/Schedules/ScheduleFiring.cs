using Dashboard.Domain;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;
using Dashboard.Domain.Schedules;
using Dashboard.Infrastructure.Queue;
using Npgsql;

namespace Dashboard.Infrastructure.Schedules;

/// <summary>
/// Turns due occurrences into experiments. Every web process calls <see cref="FireDueAsync"/> now and then; the
/// occurrence row (unique on schedule and time) is inserted in the same transaction as the experiment and its
/// runs, so each occurrence creates exactly one experiment, or none, however many processes race for it.
/// </summary>
public sealed class ScheduleFiring(NpgsqlDataSource dataSource, RunQueue queue, ScheduleStore store, FamilyCatalogue catalogue,
    TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>An occurrence older than this when first seen passed while no dashboard was running (missed).</summary>
    public TimeSpan LateAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Handles every enabled schedule's latest due occurrence. Returns what this call recorded.</summary>
    public async Task<IReadOnlyList<ScheduleOccurrence>> FireDueAsync(CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow();
        var recorded = new List<ScheduleOccurrence>();
        foreach (var schedule in await store.ListAsync(enabledOnly: true, ct))
        {
            var since = schedule.LastOccurrence is { } last && last.OccursAt > schedule.ActiveSince ? last.OccursAt : schedule.ActiveSince;
            // Only the newest due occurrence is fired; older ones (a dashboard down overnight) are folded into it.
            DateTimeOffset? latest = null;
            var due = 0;
            foreach (var occurrence in schedule.Recurrence.Between(since, now)) { latest = occurrence; due++; }
            if (latest is not { } at) continue;

            var late = now - at > LateAfter;
            var missed = due - 1 + (late ? 1 : 0);
            var occurrenceRow = late && schedule.Definition.Missed == MissedOccurrences.Skip
                ? await RecordAsync(schedule, at, ScheduleOccurrence.SkippedMissed,
                    $"{Plural(due, "occurrence")} passed while no dashboard was running; this schedule skips missed occurrences.", ct)
                : await FireAsync(schedule, at, missed > 0
                    ? $"{Plural(missed, "occurrence")} passed while no dashboard was running; this experiment runs once for them."
                    : "", ct);
            if (occurrenceRow is not null) recorded.Add(occurrenceRow);
        }
        return recorded;
    }

    private async Task<ScheduleOccurrence?> FireAsync(StoredSchedule schedule, DateTimeOffset at, string detail, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (!await ClaimAsync(connection, tx, schedule.Id, at, ct)) return null; // another process fired it

        string outcome;
        long? experimentId = null;
        string? experimentName = null;
        if (schedule.Definition.SkipWhileActive && await StillActiveAsync(connection, tx, schedule.Id, at, ct) is { } previous)
        {
            outcome = ScheduleOccurrence.SkippedActive;
            detail = $"The previous occurrence's experiment #{previous} still has runs queued or running.";
        }
        else
        {
            try
            {
                var request = ScheduleRequest.ExperimentAt(schedule.Definition, at);
                var submission = ExperimentRequest.Parse(request, catalogue, _clock.GetUtcNow(), TimeOnly.MinValue, schedule.Definition.TimeZone);
                var enqueued = await queue.EnqueueAsync(submission, connection, tx, ct);
                (outcome, experimentId, experimentName) = (ScheduleOccurrence.Created, enqueued.ExperimentId, submission.Name);
            }
            catch (InvalidInputException e)
            {
                // The definition was valid when saved; a family may have changed since. Record why, and go on.
                (outcome, detail) = (ScheduleOccurrence.Failed, "The experiment no longer validates: " + e.Message);
            }
        }
        await using (var update = new NpgsqlCommand("""
            UPDATE schedule_occurrences SET outcome = $3, experiment_id = $4, detail = $5 WHERE schedule_id = $1 AND occurs_at = $2
            """, connection, tx))
        {
            update.Parameters.AddWithValue(schedule.Id);
            update.Parameters.AddWithValue(at);
            update.Parameters.AddWithValue(outcome);
            update.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, experimentId is { } id ? id : DBNull.Value);
            update.Parameters.AddWithValue(detail);
            await update.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return new ScheduleOccurrence(schedule.Id, at, outcome, experimentId, experimentName, detail, _clock.GetUtcNow());
    }

    private async Task<ScheduleOccurrence?> RecordAsync(StoredSchedule schedule, DateTimeOffset at, string outcome, string detail,
        CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (!await ClaimAsync(connection, tx, schedule.Id, at, ct, outcome, detail)) return null;
        await tx.CommitAsync(ct);
        return new ScheduleOccurrence(schedule.Id, at, outcome, null, null, detail, _clock.GetUtcNow());
    }

    /// <summary>
    /// Inserts the occurrence's row; false when it exists. A second process's insert waits for the first's
    /// transaction and then finds the row, so only one of them goes on.
    /// </summary>
    private async Task<bool> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long scheduleId, DateTimeOffset at,
        CancellationToken ct, string outcome = ScheduleOccurrence.Created, string detail = "")
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO schedule_occurrences (schedule_id, occurs_at, outcome, detail, recorded_at)
            VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING
            """, connection, tx);
        insert.Parameters.AddWithValue(scheduleId);
        insert.Parameters.AddWithValue(at);
        insert.Parameters.AddWithValue(outcome);
        insert.Parameters.AddWithValue(detail);
        insert.Parameters.AddWithValue(_clock.GetUtcNow());
        return await insert.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The experiment of the schedule's previous created occurrence while it has runs waiting or running; else null.</summary>
    private static async Task<long?> StillActiveAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long scheduleId,
        DateTimeOffset before, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT o.experiment_id FROM schedule_occurrences o
            WHERE o.schedule_id = $1 AND o.occurs_at < $2 AND o.outcome = 'created' AND o.experiment_id IS NOT NULL
              AND EXISTS (SELECT 1 FROM runs r WHERE r.experiment_id = o.experiment_id AND r.state IN ('queued', 'scheduled', 'running'))
              AND o.occurs_at = (SELECT max(occurs_at) FROM schedule_occurrences
                                 WHERE schedule_id = $1 AND occurs_at < $2 AND outcome = 'created')
            """, connection, tx);
        command.Parameters.AddWithValue(scheduleId);
        command.Parameters.AddWithValue(before);
        return await command.ExecuteScalarAsync(ct) as long?;
    }

    private static string Plural(int n, string word) => $"{n} {word}{(n == 1 ? "" : "s")}";
}
