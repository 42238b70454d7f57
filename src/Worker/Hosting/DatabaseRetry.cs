namespace Dashboard.Worker.Hosting;

/// <summary>Repeats a database step for as long as the database is unreachable, with backoff doubling from 200 ms up to a cap.</summary>
public static class DatabaseRetry
{
    /// <param name="onFailure">Told of the first failure and of every 20th after it (an outage of hours must not flood the log).</param>
    /// <param name="giveUp">Ends the waiting (OperationCanceledException); the step itself is not cancelled.</param>
    public static async Task<T> UntilReachableAsync<T>(Func<Task<T>> step, Action<Exception> onFailure, TimeSpan maxBackoff,
        CancellationToken giveUp = default)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await step();
            }
            catch (Exception e) when (e is not OperationCanceledException && DatabaseFailures.IsTransient(e))
            {
                if (attempt == 1 || attempt % 20 == 0) onFailure(e);
                await Task.Delay(delay, giveUp);
                delay = TimeSpan.FromTicks(Math.Min(maxBackoff.Ticks, delay.Ticks * 2));
            }
        }
    }
}
