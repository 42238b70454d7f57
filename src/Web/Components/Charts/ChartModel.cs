namespace Dashboard.Web.Components.Charts;

/// <summary>One line (or set of markers) on a chart. X and Y have the same length.</summary>
public sealed record ChartTrace(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    /// <summary>"lines", "markers" or "lines+markers" (plotly's trace modes).</summary>
    public string Mode { get; init; } = "lines";
    /// <summary>Optional per-point error bars or labels belong in later fields; keep the record what plotly needs.</summary>
    public string? Color { get; init; }
    /// <summary>plotly's fill: "tonexty" shades down to the trace before this one (a band's upper edge).</summary>
    public string? Fill { get; init; }
    /// <summary>Opacity of the fill (0–1); the band edges themselves are drawn without a line.</summary>
    public double? FillOpacity { get; init; }
    /// <summary>Line width in pixels; 0 hides the line (a band edge). Null: the chart's default.</summary>
    public double? LineWidth { get; init; }
    /// <summary>Whether the legend lists this trace (null: as the chart decides). Band edges never are.</summary>
    public bool? InLegend { get; init; }
    /// <summary>Traces of one config (its line and bands) toggle together from the legend.</summary>
    public string? Group { get; init; }
    /// <summary>Per-point hover text (e.g. how many seeds a band point stands for).</summary>
    public IReadOnlyList<string>? HoverText { get; init; }
}

/// <summary>Axes and titles of a chart.</summary>
public sealed record ChartLayout
{
    public string? Title { get; init; }
    public string? XTitle { get; init; }
    public string? YTitle { get; init; }
    public bool LogY { get; init; }
    public bool LogX { get; init; }
    /// <summary>"linear", or "date" when X holds unix milliseconds.</summary>
    public string XType { get; init; } = "linear";
    public int Height { get; init; } = 320;
    /// <summary>plotly's hovermode: "closest" (one point), or "x unified" (every trace at the hovered x).</summary>
    public string HoverMode { get; init; } = "closest";
    /// <summary>Whether the chart shows a legend; null: when it has 2 to 8 lines.</summary>
    public bool? ShowLegend { get; init; }
}
