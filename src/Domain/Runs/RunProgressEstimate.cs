namespace Dashboard.Domain.Runs;

/// <summary>
/// How far a run is (step of total) and when it will likely finish, from its average rate since it started.
/// The rate is steps per second of wall time over the current attempt, so it includes evaluation and
/// checkpoint pauses, which is what a user waiting for the result cares about.
/// </summary>
public sealed record RunProgressEstimate(long? Step, long? TotalSteps, double? Fraction, TimeSpan? Remaining)
{
    public static RunProgressEstimate Of(RunState state, long? step, long? totalSteps, DateTimeOffset? startedAt, DateTimeOffset now)
    {
        // The bar shows the steps reported, whatever the state: a run that succeeded at step 0 of a huge total shows
        // an empty bar (the overview and the run page both draw this fraction).
        double? fraction = totalSteps is > 0 && step is { } s ? Math.Clamp((double)s / totalSteps.Value, 0, 1) : null;
        TimeSpan? remaining = null;
        if (state == RunState.Running && step is > 0 && totalSteps is { } total && total > step && startedAt is { } started)
        {
            var elapsed = (now - started).TotalSeconds;
            if (elapsed > 0)
            {
                var seconds = elapsed * (total - step.Value) / step.Value;
                if (double.IsFinite(seconds) && seconds < TimeSpan.MaxValue.TotalSeconds / 2) remaining = TimeSpan.FromSeconds(seconds);
            }
        }
        return new RunProgressEstimate(step, totalSteps, fraction, remaining);
    }
}
