namespace Dashboard.Domain.Schedules;

/// <summary>
/// What a schedule does with occurrences that passed while no dashboard was running (a restart over the night):
/// create one experiment for them on start, or skip them and wait for the next.
/// </summary>
public enum MissedOccurrences
{
    RunOnce,
    Skip,
}

public static class MissedOccurrencesNames
{
    public static string ToName(this MissedOccurrences missed) => missed == MissedOccurrences.Skip ? "skip" : "run_once";

    public static MissedOccurrences? Parse(string? name) => name switch
    {
        "run_once" => MissedOccurrences.RunOnce,
        "skip" => MissedOccurrences.Skip,
        _ => null,
    };
}
