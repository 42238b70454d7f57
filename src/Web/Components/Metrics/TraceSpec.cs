namespace Dashboard.Web.Components.Metrics;

/// <summary>One line to draw: a run's series under a key, with the name its legend shows.</summary>
public sealed record TraceSpec(long RunId, string Key, string Name, string? Color = null);

/// <summary>One chart: an id (for its test hook), a title, and its lines.</summary>
public sealed record ChartGroupSpec(string Id, string Title, IReadOnlyList<TraceSpec> Traces);
