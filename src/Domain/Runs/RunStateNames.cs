namespace Dashboard.Domain.Runs;

/// <summary>The text form of <see cref="RunState"/> used in the database, the API and the pages.</summary>
public static class RunStateNames
{
    private static readonly Dictionary<RunState, string> Names = new()
    {
        [RunState.Queued] = "queued",
        [RunState.Scheduled] = "scheduled",
        [RunState.Running] = "running",
        [RunState.Succeeded] = "succeeded",
        [RunState.Failed] = "failed",
        [RunState.Diverged] = "diverged",
        [RunState.Cancelled] = "cancelled",
        [RunState.TimedOut] = "timed_out",
    };

    private static readonly Dictionary<string, RunState> States =
        Names.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> All => Names.Values;

    public static string ToName(this RunState state) => Names[state];

    public static bool TryParse(string? name, out RunState state) =>
        States.TryGetValue(name?.Trim().ToLowerInvariant() ?? "", out state);

    public static RunState Parse(string name) =>
        TryParse(name, out var state)
            ? state
            : throw new ArgumentException($"Unknown run state '{name}'. Known states: {string.Join(", ", All)}.", nameof(name));
}
