using System.Globalization;

namespace Dashboard.Web.Components;

/// <summary>How numbers, durations and ages read on the pages: short, invariant, and the same everywhere.</summary>
public static class Readable
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A metric value: 5 significant digits, thousands grouped, exponents for the very large and small.</summary>
    public static string Metric(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "∞";
        if (double.IsNegativeInfinity(value)) return "−∞";
        var magnitude = Math.Abs(value);
        if (magnitude >= 1e7) return value.ToString("0.###e+0", Invariant);
        if (magnitude >= 1000) return value.ToString(magnitude >= 1e5 ? "#,0" : "#,0.#", Invariant);
        if (magnitude is > 0 and < 1e-4) return value.ToString("0.###e+0", Invariant);
        return value.ToString("G5", Invariant);
    }

    public static string Metric(double? value) => value is { } v ? Metric(v) : "—";

    /// <summary>A difference with its sign: +0.012, −1,234.</summary>
    public static string Delta(double delta) => (delta > 0 ? "+" : delta < 0 ? "−" : "±") + Metric(Math.Abs(delta));

    public static string Percent(double percent) =>
        (percent > 0 ? "+" : percent < 0 ? "−" : "±") + Math.Abs(percent).ToString(Math.Abs(percent) < 10 ? "0.00" : "0.0", Invariant) + "%";

    public static string Count(long n) => n.ToString("#,0", Invariant);

    /// <summary>A length of time: 45 s, 12 min, 3 h 20 min, 2 d 4 h.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        if (span.TotalSeconds < 60) return $"{(int)span.TotalSeconds} s";
        if (span.TotalMinutes < 60) return $"{(int)span.TotalMinutes} min";
        if (span.TotalHours < 24) return span.Minutes == 0 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} h {span.Minutes} min";
        return span.Hours == 0 ? $"{(int)span.TotalDays} d" : $"{(int)span.TotalDays} d {span.Hours} h";
    }

    /// <summary>How long ago: "just now", "5 min ago"; a time ahead reads "in 3 h".</summary>
    public static string Age(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        // A second or two ahead is clock skew between machines (a worker's heartbeat), not the future.
        if (span < TimeSpan.FromSeconds(-5)) return "in " + Duration(-span);
        return span.TotalSeconds < 5 ? "just now" : Duration(span) + " ago";
    }

    /// <summary>An exact time for tooltips (UTC: the server cannot know the reader's zone before the page runs).</summary>
    public static string Exact(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Invariant);

    public static string GpuMemory(int mb) => mb <= 0 ? "—" : (mb / 1024.0).ToString(mb % 1024 == 0 ? "0" : "0.#", Invariant) + " GiB";
}
