using System.Globalization;

namespace Dashboard.Web.Components.Access;

/// <summary>Times on access pages: minutes in UTC, said as such, or a word when there is none.</summary>
public static class Timestamps
{
    public static string Text(DateTimeOffset? moment, string none = "—") =>
        moment is { } m ? m.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : none;
}
