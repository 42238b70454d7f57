using System.Globalization;

namespace Dashboard.Web.Components.Metrics;

/// <summary>How metric values read on the pages: a few significant digits, NaN and infinities by name.</summary>
public static class MetricFormat
{
    public static string Value(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "∞",
        double.NegativeInfinity => "−∞",
        0 => "0",
        _ when Math.Abs(value) >= 1e6 || Math.Abs(value) < 1e-3 => value.ToString("0.###e+0", CultureInfo.InvariantCulture),
        _ when Math.Abs(value) >= 1000 => value.ToString("#,0.#", CultureInfo.InvariantCulture),
        _ => value.ToString("0.####", CultureInfo.InvariantCulture),
    };

    public static string Value(double? value) => value is { } v ? Value(v) : "—";

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KiB",
        < 1024L * 1024 * 1024 => (bytes / 1024.0 / 1024).ToString("0.#", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes / 1024.0 / 1024 / 1024).ToString("0.##", CultureInfo.InvariantCulture) + " GiB",
    };

    public static string Duration(TimeSpan span) => span.TotalSeconds switch
    {
        < 60 => $"{span.TotalSeconds:0.#} s",
        < 3600 => $"{(int)span.TotalMinutes} min {span.Seconds} s",
        < 86400 => $"{(int)span.TotalHours} h {span.Minutes} min",
        _ => $"{(int)span.TotalDays} d {span.Hours} h",
    };
}
