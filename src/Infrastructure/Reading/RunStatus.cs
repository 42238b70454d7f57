namespace Dashboard.Infrastructure.Reading;

/// <summary>Where a run is now: its state (as named in the API) and its last reported step.</summary>
public sealed record RunStatus(long RunId, string State, long? Step);
