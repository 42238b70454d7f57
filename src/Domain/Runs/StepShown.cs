namespace Dashboard.Domain.Runs;

/// <summary>
/// The step a run page shows. The run row's step follows the worker's heartbeat (about a second behind); the newest
/// stored metric point is fresher, so the larger of the two is shown. Steps count from 0, so a finished run's last
/// point is T-1: a run that succeeded shows T of T.
/// </summary>
public static class StepShown
{
    public static long? Of(RunState state, long? runStep, long? newestMetricStep, long? totalSteps)
    {
        if (state == RunState.Succeeded && totalSteps is > 0) return totalSteps;
        return (runStep, newestMetricStep) switch
        {
            ({ } a, { } b) => Math.Max(a, b),
            ({ } a, null) => a,
            (null, var b) => b,
        };
    }
}
