namespace Dashboard.Web.Components.Metrics;

/// <summary>A run's colour in a comparison, the same in every chart and in the ranking (charts.js's palette, longer).</summary>
public static class RunColors
{
    private static readonly string[] Palette =
    [
        "#4f6bed", "#e8743b", "#19a979", "#ed4a7b", "#945ecf", "#13a4b4", "#525df4", "#bf399e", "#6c8893", "#ee6868",
        "#2f6497", "#c9a10d", "#3a8f3a", "#8f5b3a", "#d35ad3", "#0f8a8a", "#a33b3b", "#5b7d20", "#7a6cc9", "#c76b1d",
    ];

    public static string Of(int index) => Palette[index % Palette.Length];
}
