using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Access;

/// <summary>
/// What a request or a page navigation shows, as far as review-link scopes care: a run (its page and its
/// /api/runs/{id}/… routes), an experiment, a comparison of runs, or anything else.
/// </summary>
public abstract partial record ViewedResource
{
    public sealed record Run(long Id) : ViewedResource;
    public sealed record Experiment(long Id) : ViewedResource;
    public sealed record Comparison(IReadOnlyList<long> RunIds) : ViewedResource;
    public sealed record Other : ViewedResource;

    public static ViewedResource FromPath(string? path)
    {
        var segments = (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is ["api", .. var rest]) segments = rest;
        return segments switch
        {
            ["runs", var id, ..] when ParseId(id) is { } run => new Run(run),
            ["experiments", var id, ..] when ParseId(id) is { } experiment => new Experiment(experiment),
            ["compare", var ids] when Ids(Uri.UnescapeDataString(ids)) is { } runs => new Comparison(runs),
            _ => new Other(),
        };
    }

    /// <summary>A page navigation inside a circuit: its route template with the route values put in.</summary>
    public static ViewedResource FromRoute(Microsoft.AspNetCore.Components.RouteData route)
    {
        var template = route.Template ?? route.PageType.GetCustomAttributes<RouteAttribute>().FirstOrDefault()?.Template;
        if (template is null) return new Other();
        var path = Parameter().Replace(template, m => route.RouteValues.TryGetValue(m.Groups["name"].Value, out var value)
            ? Uri.EscapeDataString(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")
            : "");
        return FromPath(path);
    }

    private static long? ParseId(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    private static List<long>? Ids(string text)
    {
        var ids = new List<long>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (ParseId(part) is not { } id) return null;
            if (!ids.Contains(id)) ids.Add(id);
        }
        return ids.Count == 0 ? null : ids;
    }

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z_][A-Za-z0-9_]*)(:[^}]*)?\??\}")]
    private static partial Regex Parameter();
}
