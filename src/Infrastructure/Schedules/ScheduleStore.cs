using System.Text.Json.Nodes;
using Dashboard.Domain.Schedules;
using Npgsql;

namespace Dashboard.Infrastructure.Schedules;

/// <summary>Stores schedules and reads them back with their occurrences.</summary>
public sealed class ScheduleStore(NpgsqlDataSource dataSource, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private const string Select = """
        SELECT s.id, s.name, s.cron, s.time_zone, s.experiment::text, s.enabled, s.skip_while_active, s.missed, s.owner,
               s.created_at, s.updated_at, s.active_since,
               o.occurs_at, o.outcome, o.experiment_id, e.name, o.detail, o.recorded_at
        FROM schedules s
        LEFT JOIN LATERAL (SELECT * FROM schedule_occurrences WHERE schedule_id = s.id ORDER BY occurs_at DESC LIMIT 1) o ON true
        LEFT JOIN experiments e ON e.id = o.experiment_id
        """;

    public async Task<long> CreateAsync(ScheduleDefinition schedule, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO schedules (name, cron, time_zone, experiment, enabled, skip_while_active, missed, owner,
                                   created_at, updated_at, active_since)
            VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $9, $9) RETURNING id
            """);
        Bind(command, schedule);
        command.Parameters.AddWithValue(_clock.GetUtcNow());
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Replaces a schedule's definition. A changed cron expression or time zone, or a resume, starts it afresh
    /// from now (no catching up on occurrences of the old timing or of the pause). False when there is none.
    /// </summary>
    public async Task<bool> UpdateAsync(long id, ScheduleDefinition schedule, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE schedules SET name = $1, cron = $2, time_zone = $3, experiment = $4::jsonb, enabled = $5,
                   skip_while_active = $6, missed = $7, owner = $8, updated_at = $9,
                   active_since = CASE WHEN cron <> $2 OR time_zone <> $3 OR (NOT enabled AND $5) THEN $9 ELSE active_since END
            WHERE id = $10
            """);
        Bind(command, schedule);
        command.Parameters.AddWithValue(_clock.GetUtcNow());
        command.Parameters.AddWithValue(id);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Pauses or resumes. A resumed schedule fires from its next occurrence on, not for those of its pause.</summary>
    public async Task<bool> SetEnabledAsync(long id, bool enabled, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE schedules SET enabled = $2, updated_at = $3,
                   active_since = CASE WHEN NOT enabled AND $2 THEN $3 ELSE active_since END
            WHERE id = $1
            """);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(enabled);
        command.Parameters.AddWithValue(_clock.GetUtcNow());
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Deletes the schedule and its occurrence records; the experiments it created stay.</summary>
    public async Task<bool> DeleteAsync(long id, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM schedules WHERE id = $1");
        command.Parameters.AddWithValue(id);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<IReadOnlyList<StoredSchedule>> ListAsync(bool enabledOnly = false, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(Select + (enabledOnly ? " WHERE s.enabled" : "") + " ORDER BY s.name, s.id");
        return await ReadAsync(command, ct);
    }

    public async Task<StoredSchedule?> FindAsync(long id, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(Select + " WHERE s.id = $1");
        command.Parameters.AddWithValue(id);
        return (await ReadAsync(command, ct)).SingleOrDefault();
    }

    /// <summary>The occurrences a schedule handled, newest first.</summary>
    public async Task<IReadOnlyList<ScheduleOccurrence>> OccurrencesAsync(long id, int limit = 20, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT o.schedule_id, o.occurs_at, o.outcome, o.experiment_id, e.name, o.detail, o.recorded_at
            FROM schedule_occurrences o LEFT JOIN experiments e ON e.id = o.experiment_id
            WHERE o.schedule_id = $1 ORDER BY o.occurs_at DESC LIMIT $2
            """);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(limit);
        var list = new List<ScheduleOccurrence>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new ScheduleOccurrence(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6)));
        return list;
    }

    /// <summary>Enabled schedules with how many of their occurrences fall in (now, now + <paramref name="window"/>]; those with none are left out.</summary>
    public async Task<IReadOnlyList<(StoredSchedule Schedule, int Occurrences)>> UpcomingAsync(TimeSpan window, CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow();
        return (await ListAsync(enabledOnly: true, ct))
            .Select(s => (s, s.Recurrence.Between(now, now + window).Count()))
            .Where(x => x.Item2 > 0)
            .ToList();
    }

    private static void Bind(NpgsqlCommand command, ScheduleDefinition schedule)
    {
        var p = command.Parameters;
        p.AddWithValue(schedule.Name);
        p.AddWithValue(schedule.Cron);
        p.AddWithValue(schedule.TimeZone.Id);
        p.AddWithValue(schedule.Experiment.ToJsonString());
        p.AddWithValue(schedule.Enabled);
        p.AddWithValue(schedule.SkipWhileActive);
        p.AddWithValue(schedule.Missed.ToName());
        p.AddWithValue(schedule.Owner);
    }

    private static async Task<IReadOnlyList<StoredSchedule>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var list = new List<StoredSchedule>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt64(0);
            var definition = new ScheduleDefinition
            {
                Name = reader.GetString(1),
                Cron = reader.GetString(2),
                TimeZone = Zone(reader.GetString(3)),
                Experiment = JsonNode.Parse(reader.GetString(4)) as JsonObject ?? [],
                Enabled = reader.GetBoolean(5),
                SkipWhileActive = reader.GetBoolean(6),
                Missed = MissedOccurrencesNames.Parse(reader.GetString(7)) ?? MissedOccurrences.RunOnce,
                Owner = reader.GetString(8),
            };
            var last = reader.IsDBNull(12) ? null : new ScheduleOccurrence(id, reader.GetFieldValue<DateTimeOffset>(12),
                reader.GetString(13), reader.IsDBNull(14) ? null : reader.GetInt64(14), reader.IsDBNull(15) ? null : reader.GetString(15),
                reader.GetString(16), reader.GetFieldValue<DateTimeOffset>(17));
            list.Add(new StoredSchedule(id, definition, reader.GetFieldValue<DateTimeOffset>(9),
                reader.GetFieldValue<DateTimeOffset>(10), reader.GetFieldValue<DateTimeOffset>(11), last));
        }
        return list;
    }

    // Zones were checked when the schedule was saved; one this machine lacks (another host's zone data) reads as UTC.
    private static TimeZoneInfo Zone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}
