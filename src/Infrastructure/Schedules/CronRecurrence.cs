using Cronos;

namespace Dashboard.Infrastructure.Schedules;

/// <summary>
/// Occurrences of a five-field cron expression in a time zone (Cronos: a 02:30 that daylight saving skips runs at
/// 03:00, one it repeats runs once).
/// </summary>
public sealed class CronRecurrence
{
    private const string Fields = "minute hour day-of-month month day-of-week";
    private readonly CronExpression _expression;
    private readonly TimeZoneInfo _zone;

    private CronRecurrence(CronExpression expression, TimeZoneInfo zone) => (_expression, _zone) = (expression, zone);

    /// <summary>Parses; throws <see cref="FormatException"/> with <see cref="Problem"/>'s message when it cannot.</summary>
    public static CronRecurrence Parse(string cron, TimeZoneInfo zone) =>
        Problem(cron, zone) is { } problem ? throw new FormatException(problem) : new(CronExpression.Parse(cron.Trim()), zone);

    /// <summary>What is wrong with <paramref name="cron"/>, naming the field where it fails; null when it is usable.</summary>
    public static string? Problem(string cron, TimeZoneInfo zone)
    {
        var text = cron.Trim();
        if (!text.StartsWith('@'))
        {
            var count = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            if (count != 5) return $"has {count} field{(count == 1 ? "" : "s")}; a cron expression has 5: {Fields}.";
        }
        CronExpression expression;
        try { expression = CronExpression.Parse(text); }
        catch (CronFormatException e)
        {
            // Cronos says "The given cron expression has an invalid format. Hours: Value must be …"; keep the field and reason.
            const string prefix = "The given cron expression has an invalid format. ";
            var reason = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
            return $"invalid {reason.TrimEnd('.')} ({Fields}).";
        }
        return expression.GetNextOccurrence(DateTimeOffset.UtcNow, zone) is null
            ? "never occurs (no such date, e.g. 31 February)."
            : null;
    }

    public DateTimeOffset? NextAfter(DateTimeOffset after) => _expression.GetNextOccurrence(after, _zone);

    /// <summary>Occurrences in (<paramref name="after"/>, <paramref name="until"/>], oldest first.</summary>
    public IEnumerable<DateTimeOffset> Between(DateTimeOffset after, DateTimeOffset until) =>
        after >= until ? [] : _expression.GetOccurrences(after, until, _zone, fromInclusive: false, toInclusive: true);
}
