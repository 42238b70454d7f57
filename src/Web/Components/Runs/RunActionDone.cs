namespace Dashboard.Web.Components.Runs;

/// <summary>What <see cref="RunActionBar"/> just did, for the page that hosts it.</summary>
public sealed record RunActionDone(RunAction Action, long RunId, long? NewRunId = null);

public enum RunAction { Cancelled, Rerun, Deleted }
