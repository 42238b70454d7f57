namespace Dashboard.Web.Components.Metrics;

/// <summary>How the metric charts of a page are drawn; one set for all its charts, like W&B's panel settings.</summary>
public sealed record ChartOptions
{
    /// <summary>Exponential moving average weight: 0 is raw, 0.99 very smooth.</summary>
    public double Smoothing { get; init; }
    public bool LogY { get; init; }
    public XAxisMode XAxis { get; init; } = XAxisMode.Step;
}
