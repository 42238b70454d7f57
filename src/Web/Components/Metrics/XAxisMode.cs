namespace Dashboard.Web.Components.Metrics;

/// <summary>What a metric chart's x axis shows.</summary>
public enum XAxisMode
{
    Step,
    /// <summary>Wall time since the run's first point (seconds, minutes or hours, whichever reads best).</summary>
    RelativeTime,
    /// <summary>Wall-clock time of day.</summary>
    Clock,
}
