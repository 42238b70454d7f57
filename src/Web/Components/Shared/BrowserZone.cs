using Microsoft.JSInterop;

namespace Dashboard.Web.Components.Shared;

/// <summary>The reader's time zone, asked of the browser (js/time-zone.js) once the page is interactive.</summary>
public static class BrowserZone
{
    /// <summary>What js/time-zone.js answers: the IANA name and the offset from UTC now.</summary>
    public sealed record Answer(string Name, int OffsetMinutes);

    /// <summary>The browser's zone; null when it cannot say (prerendering, an old browser).</summary>
    public static async Task<TimeZoneInfo?> ReadAsync(IJSRuntime js)
    {
        try
        {
            await using var module = await js.InvokeAsync<IJSObjectReference>("import", "./js/time-zone.js");
            var zone = await module.InvokeAsync<Answer>("timeZone");
            return TimeZoneInfo.TryFindSystemTimeZoneById(zone.Name, out var found) ? found
                : TimeZoneInfo.CreateCustomTimeZone("browser", TimeSpan.FromMinutes(zone.OffsetMinutes),
                    $"UTC{zone.OffsetMinutes / 60.0:+0.##;-0.##}", "browser");
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>"Mon 2026-11-23 02:00 (Europe/Berlin)": a time as the reader's clock shows it.</summary>
    public static string Local(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("ddd yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)
        + $" ({(zone == TimeZoneInfo.Utc ? "UTC" : zone.Id)})";
}
