using Dashboard.Infrastructure.Reading;

namespace Dashboard.Web.Live.Hubs;

/// <summary>Sent as "runChanged": the run's state or step changed (camelCase on the wire: runId, state, step).</summary>
public sealed record RunChangedEvent(long RunId, string State, long? Step)
{
    public static RunChangedEvent From(RunStatus status) => new(status.RunId, status.State, status.Step);
}

/// <summary>Sent as "metricsAppended": new metric points for the run are stored; fetch them from the series API.</summary>
public sealed record MetricsAppendedEvent(long RunId);
