namespace Dashboard.Web.Api;

/// <summary>202 to POST /api/runs/{id}/cancel: the run's state now, and whether a running run was asked to stop.</summary>
public sealed record RunCancelDto(long Id, string State, bool CancelRequested);

/// <summary>200 to POST /api/experiments/{id}/cancel: how many runs were cancelled or asked to stop.</summary>
public sealed record ExperimentCancelDto(int CancelledOrRequested);

/// <summary>200 to GET /api/runs/{id}/metrics/export?format=json: every point as [step, value, wall time]; NaN and infinities as strings.</summary>
public sealed record MetricExportDto(long RunId, IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonArray[]> Series);
