using System.Globalization;

namespace Dashboard.Web.Components.Compare;

/// <summary>The run ids of a comparison as they appear in its address: "/compare/3,7,12".</summary>
public static class CompareSelection
{
    public const int MaxRuns = 100;

    /// <summary>The ids in order without repeats, or the problem with the text (shown on the page).</summary>
    public static (IReadOnlyList<long> Ids, string? Problem) Parse(string? text)
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ids = new List<long>();
        foreach (var part in parts)
        {
            if (!long.TryParse(part.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
                return ([], $"'{part}' is not a run id; the address lists run ids separated by commas, e.g. /compare/3,7,12.");
            if (!ids.Contains(id)) ids.Add(id);
        }
        if (ids.Count == 0) return ([], "No runs to compare; pick some on the compare page.");
        if (ids.Count > MaxRuns) return ([], $"{ids.Count} runs is more than the {MaxRuns} a comparison shows.");
        return (ids, null);
    }

    public static string Format(IEnumerable<long> ids) => string.Join(',', ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));
}
